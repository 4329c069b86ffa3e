package hvlab.vmm;

import java.util.ArrayList;
import java.util.List;

/**
 * The VMM's diary of a VM's exits, for a person to read: each record says which instruction of
 * the guest trapped and what the VMM did. A guest can trap a million times a second, far more than
 * anyone can read and more than it is worth slowing the trap path for, so the log <em>samples</em>:
 * it keeps at most {@link #perSecond} records a second of host time and counts the rest. The
 * decoding that turns a trap into words is done only for the sampled ones.
 *
 * <p>Written by the VM's own thread, read by any (the UI): the methods are synchronized, and the
 * sampling test on the hot path ({@link #wantsNext()}) reads one volatile-free field.
 */
public final class TrapLog {
    public static final int DEFAULT_CAPACITY = 256;
    public static final int DEFAULT_PER_SECOND = 20;

    private final TrapRecord[] ring;
    private final long intervalNanos;
    private final int perSecond;
    private long nextSampleAt;
    private long seen;
    private long kept;

    public TrapLog() {
        this(DEFAULT_CAPACITY, DEFAULT_PER_SECOND);
    }

    public TrapLog(int capacity, int perSecond) {
        if (capacity < 1 || perSecond < 1) {
            throw new IllegalArgumentException("a trap log keeps at least one record, at least one a second");
        }
        this.ring = new TrapRecord[capacity];
        this.perSecond = perSecond;
        this.intervalNanos = 1_000_000_000L / perSecond;
    }

    /** Counts a trap; true when it should be described and kept (the caller then calls {@link #keep}). */
    public boolean wantsNext(long nowNanos) {
        seen++;
        if (nowNanos - nextSampleAt < 0) {
            return false;
        }
        nextSampleAt = nowNanos + intervalNanos;
        return true;
    }

    /** The number the trap just counted by {@link #wantsNext} carries. */
    public long lastSeq() {
        return seen;
    }

    public synchronized void keep(TrapRecord record) {
        ring[(int) (kept++ % ring.length)] = record;
    }

    /** The kept records with a number above {@code afterSeq}, oldest first. */
    public synchronized List<TrapRecord> after(long afterSeq) {
        List<TrapRecord> out = new ArrayList<>();
        long first = Math.max(0, kept - ring.length);
        for (long i = first; i < kept; i++) {
            TrapRecord r = ring[(int) (i % ring.length)];
            if (r.seq() > afterSeq) {
                out.add(r);
            }
        }
        return out;
    }

    /** Traps seen in all (sampled or not). */
    public long seen() {
        return seen;
    }

    public int perSecond() {
        return perSecond;
    }
}
