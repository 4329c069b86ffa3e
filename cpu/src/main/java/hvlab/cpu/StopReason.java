package hvlab.cpu;

/**
 * Why the VMM stopped the CPU: a marker the VMM's own reasons implement (a VM exit, a halt, an
 * event to deliver), carried untouched from the trap handler's {@link TrapOutcome.Stop} to the
 * {@link RunResult} of {@link CpuBackend#run}. The CPU never looks inside: the reason a run
 * ended travels in the return value, not through fields polled afterwards.
 */
public interface StopReason {
    /**
     * True for a reason that any later one in the same run replaces: the VMM only wanted the
     * CPU stopped at a boundary to look at it, and a real event found in the meantime (the VM
     * ending, an exception to deliver) must not be lost for it. Otherwise the first reason wins.
     */
    default boolean weak() {
        return false;
    }

    /** A stop that needs no explanation beyond itself. */
    StopReason NONE = new StopReason() {
        @Override
        public String toString() {
            return "stop";
        }
    };
}
