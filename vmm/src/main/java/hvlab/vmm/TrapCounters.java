package hvlab.vmm;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many VM exits of each {@link TrapKind} a VM has taken. Updated only on the VM's own
 * thread; others (the UI, {@code vm info}) read a moment's counts, which may be a little behind.
 */
public final class TrapCounters {
    private final long[] counts = new long[TrapKind.values().length];
    private TrapKind last;

    public void count(TrapKind kind) {
        counts[kind.ordinal()]++;
        last = kind;
    }

    /** The kind counted last since {@link #forgetLast()}, or null: how the trap log labels a trap. */
    public TrapKind last() {
        return last;
    }

    public void forgetLast() {
        last = null;
    }

    public long get(TrapKind kind) {
        return counts[kind.ordinal()];
    }

    public long total() {
        long sum = 0;
        for (long c : counts) sum += c;
        return sum;
    }

    /** Every kind with its count, in declaration order, keyed by label. */
    public Map<String, Long> byLabel() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (TrapKind kind : TrapKind.values()) {
            out.put(kind.label(), counts[kind.ordinal()]);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Takes up counts saved with {@link #byLabel()}. */
    public void restore(Map<String, Long> byLabel) {
        for (TrapKind kind : TrapKind.values()) {
            counts[kind.ordinal()] = byLabel.getOrDefault(kind.label(), 0L);
        }
    }

    public Map<TrapKind, Long> asMap() {
        Map<TrapKind, Long> out = new EnumMap<>(TrapKind.class);
        for (TrapKind kind : TrapKind.values()) out.put(kind, counts[kind.ordinal()]);
        return out;
    }
}
