package hvlab.tui.language;

import java.util.Map;

/**
 * Where a passphrase comes from. Never from the command line: the arguments of every process are
 * readable by every user of the machine ({@code ps}, {@code /proc/PID/cmdline}), and they end up
 * in shell histories. So: the environment variable {@code HVLAB_PASSPHRASE} (readable by the same
 * user only), or a prompt that does not echo, where a person is there to type.
 */
@FunctionalInterface
public interface Secrets {
    String VARIABLE = "HVLAB_PASSPHRASE";

    /** None to be had: commands that need one say how to give it. */
    Secrets NONE = (what, confirm) -> null;

    /** {@code HVLAB_PASSPHRASE} of this process. */
    Secrets ENVIRONMENT = fromEnvironment(System.getenv());

    /**
     * A passphrase, or null if none can be had.
     *
     * @param what    what it is for, as a prompt says it ("passphrase for web.ova")
     * @param confirm a new passphrase: a prompt asks twice, so a typo does not lock an image for good
     */
    char[] passphrase(String what, boolean confirm);

    static Secrets fromEnvironment(Map<String, String> environment) {
        String value = environment.get(VARIABLE);
        return (what, confirm) -> value == null || value.isEmpty() ? null : value.toCharArray();
    }

    /** This source, and {@code other} when this one has nothing. */
    default Secrets orElse(Secrets other) {
        return (what, confirm) -> {
            char[] found = passphrase(what, confirm);
            return found != null ? found : other.passphrase(what, confirm);
        };
    }
}
