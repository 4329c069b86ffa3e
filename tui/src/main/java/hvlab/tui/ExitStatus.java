package hvlab.tui;

/** Process exit statuses of {@code hv}, from BSD's sysexits.h where one fits. */
public final class ExitStatus {
    private ExitStatus() {}

    public static final int OK = 0;
    /** EX_USAGE: the command line was wrong. */
    public static final int USAGE = 64;
    /** EX_DATAERR: the input was there but bad (NASM error, not a guest image). */
    public static final int BAD_INPUT = 65;
    /** EX_NOINPUT: a file is missing or unreadable. */
    public static final int NO_INPUT = 66;
    /** EX_UNAVAILABLE: a native library or tool we need is not installed. */
    public static final int UNAVAILABLE = 69;
    /** EX_SOFTWARE: the guest faulted or hit something the VMM does not emulate. */
    public static final int SOFTWARE = 70;
}
