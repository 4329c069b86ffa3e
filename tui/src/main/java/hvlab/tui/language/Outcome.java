package hvlab.tui.language;

import hvlab.tui.ExitStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * The result of one line given to the {@link Interpreter}: the exit status, the text for standard
 * output (people's text or JSON), and on failure one line for standard error.
 *
 * @param error one line saying what went wrong, or null on success. Under {@code --json} the
 *              same message is also in {@code text} as {@code {"error": "..."}}, and
 *              {@code json} is true so that callers print it once, as JSON, on standard output.
 * @param quit  the line was {@code quit} or {@code exit}
 * @param cause the exception behind an internal error, for {@code HV_DEBUG=1}; null otherwise
 */
public record Outcome(int status, String text, String error, boolean json, boolean quit, Throwable cause) {

    public static final Outcome NOTHING = new Outcome(ExitStatus.OK, "", null, false, false, null);

    public boolean ok() {
        return status == ExitStatus.OK;
    }

    /** Should {@link #error} go to standard error (it is already in {@link #text} under --json)? */
    public boolean errorForStderr() {
        return error != null && !json;
    }

    /**
     * The outcome as the lines a screen shows: the text, then {@code error: ...} if it failed. For
     * a caller with one place to print, such as the terminal UI's command line.
     */
    public List<String> lines() {
        List<String> lines = new ArrayList<>(text.lines().toList());
        if (errorForStderr()) {
            lines.add("error: " + error);
        }
        return lines;
    }
}
