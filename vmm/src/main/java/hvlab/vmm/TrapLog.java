package hvlab.vmm;

import java.util.ArrayList;
import java.util.List;

/**
 * The VMM's diary of a VM's exits, for a person to read: each record says which instruction of
 * the guest trapped and what the VMM did. A guest can trap a million times a second, far more than
 * anyone can read and more than it is worth slowing the trap path for, so the log <em>samples</em>
 * with a token bucket: the first {@link #DEFAULT_BURST} traps of a quiet spell are all kept (a
 * boot, where every trap is worth reading), then at most {@link #perSecond} a second of host
 * time, and the rest are only counted. The decoding that turns a trap into words is done only
 * for the kept ones.
 *
 * <p>Written by the VM's own thread, read by any (the UI): the methods are synchronized, and the
 * sampling test on the hot path ({@link #wantsNext()}) reads one volatile-free field.
 */
public final class TrapLog {
    public static final int DEFAULT_CAPACITY = 256;
    public static final int DEFAULT_PER_SECOND = 20;
    public static final int DEFAULT_BURST = DEFAULT_CAPACITY;
    /** The most traps let pass without a look at the clock (see {@link #wantsNextTrap()}). */
    static final int MAX_UNSEEN = 4096;

    private final TrapRecord[] ring;
    private final List<TrapRecord> firstKept = new ArrayList<>();
    private final long intervalNanos;
    private final int perSecond;
    /** The bucket, in nanoseconds of sampling: each kept record costs one interval, time refills it. */
    private final long bucketNanos;
    private long budgetNanos;
    private long lastRefill = Long.MIN_VALUE;
    /** Traps between kept records, averaged; traps to let pass before keeping the next; since the last kept. */
    private long trapsPerRecord = 1;
    private long skip = -1;
    private long sinceKept;
    private long noise = 0x9E3779B97F4A7C15L;
    private long seen;
    private long kept;
    /** Traps still to be let pass without a look at the clock; the count {@link #seen} had at the last look. */
    private int unseenLeft;
    private long seenAtLastLook;

    public TrapLog() {
        this(DEFAULT_CAPACITY, DEFAULT_PER_SECOND, DEFAULT_BURST);
    }

    public TrapLog(int capacity, int perSecond, int burst) {
        if (capacity < 1 || perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("a trap log keeps at least one record, at least one a second");
        }
        this.ring = new TrapRecord[capacity];
        this.perSecond = perSecond;
        this.intervalNanos = 1_000_000_000L / perSecond;
        this.bucketNanos = burst * intervalNanos;
        this.budgetNanos = bucketNanos;
    }

    /**
     * As {@link #wantsNext(long)} at the time now, for the trap path: reads the clock only when the
     * answer can depend on it. Once the bucket has run dry, the next record is up to an interval
     * away (50 ms at 20 a second) and every trap until then is a "no" whatever the time; at the
     * rate the guest has been trapping, half the traps expected meanwhile are let pass with no
     * look at the clock, only counted. A trap costs a hundred nanoseconds or two, and
     * {@code System.nanoTime()} costs tens on a virtual machine: read on every trap, it was a
     * quarter of an OUT. The time added to the bucket stays exact (the difference of two
     * readings), and a guest that traps slowly still has the clock read at every trap.
     */
    public boolean wantsNextTrap() {
        if (unseenLeft > 0) {
            unseenLeft--;
            seen++;
            sinceKept++;
            return false;
        }
        return wantsNext(System.nanoTime());
    }

    /** Counts a trap; true when it should be described and kept (the caller then calls {@link #keep}). */
    public boolean wantsNext(long nowNanos) {
        seen++;
        sinceKept++;
        long elapsed = lastRefill == Long.MIN_VALUE ? 0 : nowNanos - lastRefill;
        long traps = seen - seenAtLastLook;
        if (lastRefill != Long.MIN_VALUE) {
            budgetNanos = Math.min(bucketNanos, budgetNanos + elapsed);
        }
        lastRefill = nowNanos;
        seenAtLastLook = seen;
        if (budgetNanos < intervalNanos) {
            unseenLeft = elapsed <= 0 ? 0 : (int) Math.min(MAX_UNSEEN, (intervalNanos - budgetNanos) * traps / elapsed / 2);
            return false;
        }
        if (budgetNanos < 2 * intervalNanos) {
            // Steady state: one record is due. Keeping the first trap after each refill would
            // alias with the guest's own rhythm (a timer guest would show nothing but the
            // interrupt that wakes it), so keep a random one of the traps expected meanwhile.
            if (skip < 0) {
                skip = random(Math.max(1, trapsPerRecord));
            }
            if (skip-- > 0) {
                return false;
            }
        }
        budgetNanos -= intervalNanos;
        trapsPerRecord = (3 * trapsPerRecord + sinceKept) / 4;
        sinceKept = 0;
        skip = -1;
        return true;
    }

    /** xorshift: a little randomness with no lock and no allocation on the trap path. */
    private int random(long bound) {
        noise ^= noise << 13;
        noise ^= noise >>> 7;
        noise ^= noise << 17;
        return (int) Math.floorMod(noise, Math.min(bound, Integer.MAX_VALUE));
    }

    /** The number the trap just counted by {@link #wantsNext} carries. */
    public long lastSeq() {
        return seen;
    }

    public synchronized void keep(TrapRecord record) {
        ring[(int) (kept++ % ring.length)] = record;
        if (firstKept.size() < ring.length) {
            firstKept.add(record);
        }
    }

    /**
     * The first records the log ever kept, oldest first, as many as the ring holds: a boot, from
     * its first privileged instruction, after the ring has long moved on ({@code vm traps --boot}).
     */
    public synchronized List<TrapRecord> first() {
        return List.copyOf(firstKept);
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
