package hvlab.vmm;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends VMs that overrun their time. A guest that never traps never gives the VMM a chance to
 * look at the clock, so a daemon thread stops its CPU from outside when the deadline passes.
 */
public final class Watchdog implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "hvlab-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final ScheduledFuture<?> alarm;

    /** Runs {@code action} at {@code deadlineNanos} (System.nanoTime), unless closed first. */
    public Watchdog(long deadlineNanos, Runnable action) {
        alarm = deadlineNanos == Long.MAX_VALUE ? null
                : TIMER.schedule(action, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        if (alarm != null) {
            alarm.cancel(false);
        }
    }
}
