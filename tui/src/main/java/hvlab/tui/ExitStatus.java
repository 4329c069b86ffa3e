package hvlab.tui;

/** Process exit statuses of {@code hv}, from BSD's sysexits.h where one fits. */
public final class ExitStatus {
    private ExitStatus() {}

    public static final int OK = 0;
    /** A check did not hold: a failed {@code expect}, a {@code wait} that timed out, a guest that ignored shutdown. */
    public static final int FAILED = 1;
    /** EX_USAGE: the command line was wrong. */
    public static final int USAGE = 64;
    /** EX_DATAERR: the input was there but bad (NASM error, not a guest image, a request the host refuses). */
    public static final int BAD_INPUT = 65;
    /** EX_NOINPUT: a file is missing or unreadable. */
    public static final int NO_INPUT = 66;
    /** EX_UNAVAILABLE: a native library or tool we need is not installed. */
    public static final int UNAVAILABLE = 69;
    /** EX_CANTCREAT: the VM store cannot be created or written. */
    public static final int CANT_CREATE = 73;
    /** EX_SOFTWARE: the guest faulted or hit something the VMM does not emulate. */
    public static final int SOFTWARE = 70;
    /** EX_NOPERM: the session's role does not allow the command. */
    public static final int NO_PERMISSION = 77;
}
