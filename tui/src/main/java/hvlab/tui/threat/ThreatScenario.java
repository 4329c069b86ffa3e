package hvlab.tui.threat;

import java.nio.file.Path;

/**
 * One edge of the paper's figure 2 (a threat source and its target), as an attack that really
 * runs against hvlab's components, once without and once with hvlab's defence.
 */
public interface ThreatScenario {
    /** The edge's name on the command line: {@code network-vmmm}, {@code vmm-vm}... */
    String edge();

    /** The edge as the paper writes it ({@code Network -> VMMM}) and what it means. */
    String title();

    /** What the attacks are, one line. */
    String attacks();

    /** Runs the attacks in one form in a scratch folder of its own; {@code log} hears each step. */
    ScenarioRun run(boolean defended, Path scratch, Narration log) throws Exception;

    /** Where a scenario tells what it does as it goes. */
    interface Narration {
        void step(String line);
    }
}
