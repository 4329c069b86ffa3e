package hvlab.cpu;

/** The VMM's answer to a {@link Trap}: go on (perhaps with a value for the guest) or stop the CPU. */
public sealed interface TrapOutcome {

    /** Resume the guest at whatever EIP the VMM left in the CPU. */
    record Continue() implements TrapOutcome {}

    /**
     * Resume, giving the guest this value (the data an {@code in} instruction reads); if
     * {@code thenStop} is not null, stop at the next instruction boundary after it, with that reason.
     */
    record ContinueWith(int value, StopReason thenStop) implements TrapOutcome {
        public ContinueWith(int value) {
            this(value, null);
        }
    }

    /**
     * Stop the CPU; {@link CpuBackend#run} returns {@link RunResult.Cause#STOPPED} with this
     * {@code reason} (the first reason of a run wins, unless it is {@link StopReason#weak}). The CPU stops at an exact instruction
     * boundary: at the trapping instruction for a fault, at the start of the next block for a trap
     * taken in the middle of one (port I/O, a fast system call).
     */
    record Stop(StopReason reason) implements TrapOutcome {}

    TrapOutcome CONTINUE = new Continue();
    /** A stop with no reason of its own (the VMM keeps it elsewhere, or none is needed). */
    TrapOutcome STOP = new Stop(StopReason.NONE);

    static TrapOutcome stop(StopReason reason) {
        return new Stop(reason);
    }

    static TrapOutcome value(int value) {
        return new ContinueWith(value);
    }
}
