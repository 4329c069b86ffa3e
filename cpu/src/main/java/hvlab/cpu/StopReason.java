package hvlab.cpu;

/**
 * Why the VMM stopped the CPU: a marker the VMM's own reasons implement (a VM exit, a halt, an
 * event to deliver), carried untouched from the trap handler's {@link TrapOutcome.Stop} to the
 * {@link RunResult} of {@link CpuBackend#run}. The CPU never looks inside: the reason a run
 * ended travels in the return value, not through fields polled afterwards.
 */
public interface StopReason {
    /** A stop that needs no explanation beyond itself. */
    StopReason NONE = new StopReason() {
        @Override
        public String toString() {
            return "stop";
        }
    };
}
