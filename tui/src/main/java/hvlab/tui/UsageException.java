package hvlab.tui;

/** A mistake on the command line, reported as one line with exit status 64. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
