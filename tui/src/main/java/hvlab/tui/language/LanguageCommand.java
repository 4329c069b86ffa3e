package hvlab.tui.language;

/**
 * One command of the management language. Picocli reads the words into the command's fields;
 * the {@link Interpreter} then calls {@link #run} with what the command may use. A command never
 * prints: it returns a {@link Reply} (or throws {@link CommandFailure}, or lets a
 * {@code HostException} through, whose message is already written for a person).
 */
interface LanguageCommand {

    Reply run(Context context) throws InterruptedException;

    /** Why this command, as written, cannot run in {@code place}; null when it can. */
    default String refusal(Place place) {
        return null;
    }
}
