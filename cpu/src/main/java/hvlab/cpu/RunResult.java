package hvlab.cpu;

/** Why {@link CpuBackend#run} returned. */
public record RunResult(Cause cause, String detail) {

    public enum Cause {
        /** A trap handler answered {@link TrapOutcome#STOP}, or someone called {@link CpuBackend#requestStop}. */
        STOPPED,
        /** The time slice given to {@code run} was used up; the guest can be resumed where it is. */
        SLICE_ENDED,
        /** The emulator itself gave up (an error it reports, not one the guest could handle). */
        CPU_ERROR
    }

    public static RunResult stopped() {
        return new RunResult(Cause.STOPPED, "");
    }

    public static RunResult sliceEnded() {
        return new RunResult(Cause.SLICE_ENDED, "");
    }
}
