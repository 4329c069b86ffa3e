package hvlab.vmm.replay;

/** How a replay ended. */
public sealed interface ReplayOutcome {

    /** Every event was reached at its point and the machine ends as the recording did. */
    record Same(long events, ReplayPoint end, MachineFingerprint fingerprint, long virtualNanos) implements ReplayOutcome { }

    /**
     * The replay went its own way: event number {@code event} (from 1) was due at {@code expected},
     * but the guest was at {@code found}; {@code what} says how it differed.
     */
    record Diverged(long event, ReplayPoint expected, ReplayPoint found, String what) implements ReplayOutcome { }

    /**
     * The replay stopped early, where it was asked to ({@code --until}) or where an incomplete
     * recording runs out ({@code why}); the VM is exactly at {@code at}, ready to be looked at.
     */
    record Stopped(long events, ReplayPoint at, long virtualNanos, String why) implements ReplayOutcome { }
}
