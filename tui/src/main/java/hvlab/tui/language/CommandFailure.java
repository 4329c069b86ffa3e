package hvlab.tui.language;

import hvlab.tui.ExitStatus;

/**
 * A command that could not do what it was asked, with the exit status that says why (see
 * {@link ExitStatus}). The message is one line for a person; the interpreter shows it as it is.
 */
public final class CommandFailure extends RuntimeException {
    private final int status;

    private CommandFailure(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The command was written wrong: unknown word, missing argument, bad value. */
    public static CommandFailure usage(String message) {
        return new CommandFailure(ExitStatus.USAGE, message);
    }

    /** The command was fine but what it checks or waits for did not happen (expect, wait, shutdown). */
    public static CommandFailure failed(String message) {
        return new CommandFailure(ExitStatus.FAILED, message);
    }

    /** What the command was given is refused: a tampered or hostile image, say. */
    public static CommandFailure badInput(String message) {
        return new CommandFailure(ExitStatus.BAD_INPUT, message);
    }

    /** The user pressed Ctrl-C while the command waited. */
    public static CommandFailure cancelled(String what) {
        return new CommandFailure(ExitStatus.FAILED, what + " cancelled (Ctrl-C)");
    }
}
