package hvlab.tui.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A lecture: a management-language script cut into steps, each with a caption, played one step
 * at a time in the terminal UI while the teacher talks ({@code hv lecture FILE}).
 *
 * <pre>
 *   ## Deprivileging: the guest kernel believes it runs at ring 0
 *   vm start hello
 *   wait hello --state defined
 *   ## It prints CPL=3: reading CS is not privileged, so the truth leaks
 *   vm console hello
 * </pre>
 * A line starting with {@code ##} begins a step and is its caption (several {@code ##} lines in
 * a row make a longer caption); the commands after it, up to the next caption, are the step.
 * Lines starting with a single {@code #} are comments for whoever edits the file.
 */
public record Lecture(String title, List<Step> steps) {

    /** One step: what the class is told, and the commands that show it (with their line numbers). */
    public record Step(List<String> caption, List<Command> commands) {}

    public record Command(int line, String text) {}

    public Lecture {
        steps = List.copyOf(steps);
    }

    public static Lecture read(Path file) throws IOException {
        return parse(file.getFileName().toString(), Files.readAllLines(file));
    }

    /** Parses a lecture; a command before the first caption gets a step with an empty caption. */
    public static Lecture parse(String title, List<String> lines) {
        List<Step> steps = new ArrayList<>();
        List<String> caption = null;
        List<Command> commands = new ArrayList<>();
        boolean captionOpen = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("##")) {
                String text = line.substring(2).strip();
                if (captionOpen) {
                    caption.add(text);
                } else {
                    if (caption != null || !commands.isEmpty()) {
                        steps.add(new Step(caption == null ? List.of() : caption, commands));
                    }
                    caption = new ArrayList<>(List.of(text));
                    commands = new ArrayList<>();
                    captionOpen = true;
                }
                continue;
            }
            captionOpen = false;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            commands.add(new Command(i + 1, line));
        }
        if (caption != null || !commands.isEmpty()) {
            steps.add(new Step(caption == null ? List.of() : caption, commands));
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException(title + " has no steps: start each with a '## caption' line");
        }
        return new Lecture(title, steps);
    }
}
