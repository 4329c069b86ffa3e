package hvlab.cpu.linux;

/** A Linux system call failed; {@link #errno()} says why, as the kernel reported it. */
public final class LinuxCallException extends RuntimeException {
    private final int errno;

    LinuxCallException(String call, int errno, String description) {
        super(call + ": " + description + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
