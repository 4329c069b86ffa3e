package hvlab.tui.language;

/**
 * What a command produced, in both of its forms: {@code data} is printed with Jackson under
 * {@code --json}, {@code text} is printed for people otherwise. Commands fill in both and never
 * print; the caller decides where the result goes (a terminal, a script's output, the UI).
 */
public record Reply(Object data, String text, String failure) {
    public Reply(Object data, String text) {
        this(data, text, null);
    }

    /**
     * A result that is also a failure: its text and data are printed as for success, and the
     * command ends with status 1 and {@code failure} as its one error line (an attestation that
     * says "untrusted" has a full answer to show, and a script must still stop there).
     */
    public static Reply failing(Object data, String text, String failure) {
        return new Reply(data, text, failure);
    }
}
