package hvlab.vmm;

/**
 * How one time slice of a VM ended ({@link Vm#runSlice}). Every case leaves the guest at an exact
 * instruction boundary, so whoever runs the VM may save it, pause it or run it again.
 */
public sealed interface SliceResult {
    /** Nanoseconds of real time the slice took. */
    long nanos();

    /** The guest ran until its time was up; it has more to do. */
    record Ran(long nanos) implements SliceResult {}

    /**
     * The guest is halted with interrupts enabled, waiting for one. {@code nanosUntilEvent} of
     * virtual time until a device (the timer) raises one, or {@link #NEVER} if none will unless
     * something outside the VM happens (input arriving).
     */
    record Halted(long nanos, long nanosUntilEvent) implements SliceResult {}

    /** {@link Vm#requestStop()} stopped the slice early. */
    record Stopped(long nanos) implements SliceResult {}

    /** The VM is over. */
    record Ended(long nanos, VmExit exit) implements SliceResult {}

    long NEVER = Long.MAX_VALUE;
}
