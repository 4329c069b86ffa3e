package hvlab.cpu;

/**
 * Why {@link CpuBackend#run} returned. {@code reason} is the trap handler's {@link StopReason}
 * when it stopped the CPU, otherwise null; {@code detail} explains a {@link Cause#CPU_ERROR}.
 */
public record RunResult(Cause cause, StopReason reason, String detail) {

    public enum Cause {
        /** A trap handler answered {@link TrapOutcome.Stop}. */
        STOPPED,
        /** The time slice given to {@code run} was used up; the guest can be resumed where it is. */
        SLICE_ENDED,
        /** {@link CpuBackend#requestStop} was called; the guest can be resumed where it is. */
        REQUESTED,
        /** The emulator itself gave up (an error it reports, not one the guest could handle). */
        CPU_ERROR
    }

    public static RunResult stopped(StopReason reason) {
        return new RunResult(Cause.STOPPED, reason, "");
    }

    public static RunResult sliceEnded() {
        return new RunResult(Cause.SLICE_ENDED, null, "");
    }

    public static RunResult requested() {
        return new RunResult(Cause.REQUESTED, null, "");
    }

    public static RunResult cpuError(String detail) {
        return new RunResult(Cause.CPU_ERROR, null, detail);
    }
}
