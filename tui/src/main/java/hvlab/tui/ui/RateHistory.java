package hvlab.tui.ui;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a counter that only goes up (VM exits of one kind, say) into a rate per second, sampled
 * at each refresh, and keeps the last rates for a sparkline. A counter that goes down means the
 * VM was restarted: the rate starts over instead of going negative.
 */
final class RateHistory {
    private final int keep;
    private final ArrayDeque<Double> rates = new ArrayDeque<>();
    private long lastCount = -1;
    private long lastNanos;

    RateHistory(int keep) {
        this.keep = keep;
    }

    /** Records the counter's value at {@code nanos}; returns the rate since the last sample. */
    double sample(long count, long nanos) {
        double rate = 0;
        if (lastCount >= 0 && count >= lastCount && nanos > lastNanos) {
            rate = (count - lastCount) * 1e9 / (nanos - lastNanos);
        }
        lastCount = count;
        lastNanos = nanos;
        add(rate);
        return rate;
    }

    /** Records a value as it is (a share, already a rate). */
    void add(double value) {
        rates.addLast(value);
        while (rates.size() > keep) {
            rates.removeFirst();
        }
    }

    double latest() {
        return rates.isEmpty() ? 0 : rates.peekLast();
    }

    List<Double> values() {
        return new ArrayList<>(rates);
    }
}
