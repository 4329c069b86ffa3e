package hvlab.tui;

import java.nio.file.Path;

/**
 * File names a user typed, taken relative to the folder they started {@code hv} in. The {@code hv}
 * script changes into the project folder to build and run, and passes the user's folder on in
 * {@code HV_CALLER_DIR}; without it (tests, a direct java -jar) the current folder counts.
 */
public final class CallerPaths {
    private CallerPaths() {}

    public static Path resolve(Path typed) {
        String caller = System.getenv("HV_CALLER_DIR");
        return typed.isAbsolute() || caller == null || caller.isEmpty() ? typed : Path.of(caller).resolve(typed);
    }

    /** A guest argument of {@code hv run}: a file name is resolved, a built-in guest's name is left alone. */
    static String resolveGuest(String guest) {
        boolean file = guest.endsWith(".asm") || guest.endsWith(".c") || guest.endsWith(".bin") || guest.endsWith(".elf")
                || guest.contains("/");
        return file ? resolve(Path.of(guest)).toString() : guest;
    }
}
