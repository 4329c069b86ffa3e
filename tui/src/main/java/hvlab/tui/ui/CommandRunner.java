package hvlab.tui.ui;

import java.util.List;

/** Runs one line of the management language for the UI's command line and returns what it printed. */
@FunctionalInterface
public interface CommandRunner {
    List<String> run(String line);
}
