package hvlab.tui.threat;

import java.util.List;
import java.util.Optional;

/**
 * One run of a threat scenario in one form: what the attacker achieved, finding by finding.
 *
 * @param configuration what was switched on or off for this form, in words
 */
public record ScenarioRun(String edge, boolean defended, String configuration, List<Finding> findings, long millis) {
    public ScenarioRun {
        findings = List.copyOf(findings);
    }

    /** Whether the attacker achieved anything against {@code property}; empty when no attack aimed at it. */
    public Optional<Boolean> achieved(Property property) {
        List<Finding> about = findings.stream().filter(f -> f.property() == property).toList();
        return about.isEmpty() ? Optional.empty() : Optional.of(about.stream().anyMatch(Finding::achieved));
    }
}
