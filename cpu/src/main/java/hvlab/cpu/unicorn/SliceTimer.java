package hvlab.cpu.unicorn;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that marks time slices as used up, for every CPU in the process. It only
 * raises a flag: the CPU ends the slice itself at its next exact instruction boundary (see
 * {@link BlockBoundaryStop}). We keep our own timer rather than pass Unicorn a timeout because
 * Unicorn 2.0 starts a watchdog thread per timed run that spins on usleep, which costs a core's
 * worth of time on a 2-core machine, and then stops the CPU asynchronously, which is not exact.
 */
final class SliceTimer {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "hvlab-slice-timer");
        thread.setDaemon(true);
        return thread;
    });

    private SliceTimer() {}

    /** A pending action; {@link #cancel()} withdraws it. */
    static final class Ticket {
        private final ScheduledFuture<?> future;
        private volatile boolean cancelled;

        private Ticket(long deadlineNanos, long periodNanos, Runnable action) {
            Runnable guarded = () -> {
                if (!cancelled) {
                    action.run();
                }
            };
            long delay = Math.max(0, deadlineNanos - System.nanoTime());
            this.future = periodNanos > 0
                    ? TIMER.scheduleAtFixedRate(guarded, delay, periodNanos, TimeUnit.NANOSECONDS)
                    : TIMER.schedule(guarded, delay, TimeUnit.NANOSECONDS);
        }

        void cancel() {
            cancelled = true;
            future.cancel(false);
        }
    }

    static Ticket at(long deadlineNanos, Runnable action) {
        return new Ticket(deadlineNanos, 0, action);
    }
}
