package hvlab.tui;

/** A mistake on the command line, reported as one line with exit status 64. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
