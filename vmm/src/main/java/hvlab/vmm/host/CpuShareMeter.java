package hvlab.vmm.host;

import java.util.ArrayDeque;

/**
 * A VM's CPU share: the CPU time it got over the last measuring window, as a fraction of one
 * CPU (0.5 = half of one CPU). The host records each slice as it ends; the meter keeps the
 * cumulative CPU time at those moments and reads the difference across the window, as
 * {@code top} does from {@code /proc/PID/stat}. Not thread-safe: the host's lock guards it.
 */
final class CpuShareMeter {
    private record Sample(long time, long cpu) {}

    private final long window;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long cpu;
    private long since;

    /** @param windowNanos how far back a share looks; @param now when measuring starts */
    CpuShareMeter(long windowNanos, long now) {
        this.window = windowNanos;
        this.since = now;
        samples.add(new Sample(now, 0));
    }

    /** A slice that used {@code nanos} of CPU ended at {@code now}. */
    void add(long nanos, long now) {
        cpu += nanos;
        samples.add(new Sample(now, cpu));
        // Keep one sample at or before the window's start, so the start can be interpolated.
        while (samples.size() > 2) {
            Sample first = samples.pollFirst();
            if (samples.peekFirst().time() > now - window) {
                samples.addFirst(first);
                break;
            }
        }
    }

    /** All CPU time so far. */
    long total() {
        return cpu;
    }

    /** The share over the window ending {@code now} (over the time since measuring began, if shorter). */
    double share(long now) {
        long start = Math.max(since, now - window);
        long span = now - start;
        if (span <= 0) {
            return 0;
        }
        return (cpu - cpuAt(start)) / (double) span;
    }

    /** Starts over (the VM was restarted). */
    void reset(long now) {
        samples.clear();
        cpu = 0;
        since = now;
        samples.add(new Sample(now, 0));
    }

    /** Cumulative CPU at {@code time}, assuming it was used evenly between two samples. */
    private long cpuAt(long time) {
        Sample before = null;
        for (Sample s : samples) {
            if (s.time() <= time) {
                before = s;
            } else {
                if (before == null) {
                    return s.cpu();
                }
                double fraction = (time - before.time()) / (double) (s.time() - before.time());
                return before.cpu() + Math.round(fraction * (s.cpu() - before.cpu()));
            }
        }
        return before == null ? 0 : before.cpu();
    }
}
