package hvlab.tui.language;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What the caller of one command lends it while it runs.
 *
 * @param actor     who asked, for the host's event log ("shell", "script fair-shares.hv:12")
 * @param live      where a command that streams ({@code vm console --follow}) writes as it goes;
 *                  everything else comes back in the {@link Outcome}
 * @param cancelled true once the user pressed Ctrl-C; long commands look at it often
 * @param secrets   where a passphrase comes from ({@code image export --encrypt}): the environment,
 *                  or a prompt where there is a person to type it; never the command line
 */
public record Session(String actor, Consumer<String> live, BooleanSupplier cancelled, Secrets secrets) {

    /** A session whose passphrases come from the environment only. */
    public Session(String actor, Consumer<String> live, BooleanSupplier cancelled) {
        this(actor, live, cancelled, Secrets.ENVIRONMENT);
    }

    /** A session with no live output and no way to cancel (scripts, single commands, tests). */
    public static Session batch(String actor) {
        return new Session(actor, text -> { }, () -> false);
    }
}
