package hvlab.vmm.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which VM a free CPU runs next: a credit scheduler in the manner of Xen's (Cherkasova,
 * Gupta and Vahdat, "Comparison of the three CPU schedulers in Xen", 2007), the mechanism behind
 * the paper's IV.C.5: the VMM determines and limits the CPU each VM uses.
 *
 * <ul>
 *   <li><b>Weight.</b> Every accounting period (30 ms) the host's CPU time is handed out as credit
 *       to the VMs that want to run, in proportion to their weights: under contention a VM of
 *       weight 512 gets twice the CPU of one of 256. Running costs credit; the VM with the most
 *       credit runs next. Debts carry over, so even with 10 ms slices the long-run shares come
 *       out exactly in proportion.</li>
 *   <li><b>Cap.</b> A percentage of one CPU a VM may never exceed, even on an idle host. It is a
 *       token bucket: it fills at the cap's rate, running drains it, and a VM with an empty bucket
 *       waits ("throttled"), however much credit it has. A slice never outlasts the bucket.</li>
 *   <li><b>Work conserving.</b> Credit orders the VMs; it never idles a CPU while an uncapped
 *       VM wants it. A VM that does not want the CPU (halted, paused) earns no credit.</li>
 *   <li><b>Redistribution.</b> What a capped VM cannot use is handed to the others by weight
 *       ("water filling"), so weight 1024 capped at 20% next to 512, 256, 256 gives 20/40/20/20.</li>
 * </ul>
 *
 * Pure logic: time is passed in (nanoseconds of any clock that only goes forward), so tests run
 * it with made-up clocks and VMs, without threads. Not thread-safe; the {@link Host} guards it.
 */
public final class CreditScheduler {
    public static final long PERIOD_NANOS = 30_000_000;
    public static final long SLICE_NANOS = 10_000_000;
    /** Credit and debt are bounded: an idle VM cannot hoard, a busy one cannot sink for ever. */
    private static final long MAX_CREDIT = PERIOD_NANOS;
    private static final long MAX_DEBT = 2 * PERIOD_NANOS;
    /** A capped VM runs only when its bucket holds at least this much: no slivers of slices. */
    private static final long MIN_SLICE_NANOS = 1_000_000;

    /** One VM as the scheduler sees it. */
    private static final class Entry {
        final String id;
        int weight;
        int cap;
        long credit;
        long capTokens;
        boolean wants;
        boolean onCpu;
        long lastRan;
        long throttledNanos;
        long throttledSince = -1;

        Entry(String id, int weight, int cap) {
            this.id = id;
            this.weight = weight;
            this.cap = cap;
        }

        long capBucket() {
            return PERIOD_NANOS * cap / 100;
        }
    }

    /** The VM to run and for how long at most. */
    public record Pick(String id, long sliceNanos) {}

    private final int cpus;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long nextPeriod = Long.MIN_VALUE;
    private long lastRefill = Long.MIN_VALUE;

    /** @param cpus the worker threads that run VMs (each VM runs on at most one at a time) */
    public CreditScheduler(int cpus) {
        if (cpus < 1) {
            throw new IllegalArgumentException("a host needs at least one CPU");
        }
        this.cpus = cpus;
    }

    public void add(String id, int weight, int cap) {
        checkShares(weight, cap);
        Entry entry = new Entry(id, weight, cap);
        entry.capTokens = entry.capBucket();
        entries.put(id, entry);
    }

    public void remove(String id) {
        entries.remove(id);
    }

    public void setShares(String id, int weight, int cap) {
        checkShares(weight, cap);
        Entry entry = entry(id);
        entry.weight = weight;
        entry.cap = cap;
    }

    private static void checkShares(int weight, int cap) {
        if (weight < 1 || weight > 65535) {
            throw new HostException("a weight is between 1 and 65535, not " + weight);
        }
        if (cap < 0 || cap > 100) {
            throw new HostException("a cap is a percentage of one CPU between 0 (none) and 100, not " + cap);
        }
    }

    /** The VM wants the CPU (running) or not (halted, paused, off). */
    public void setWants(String id, boolean wants, long now) {
        Entry entry = entry(id);
        entry.wants = wants;
        if (!wants) {
            stopThrottling(entry, now);
        }
    }

    /**
     * The next VM to run on a free CPU, or null when none may run now (all are on CPUs, do not
     * want to, or are throttled by their caps: see {@link #nanosUntilUnthrottled}).
     */
    public Pick pick(long now) {
        account(now);
        Entry best = null;
        for (Entry e : entries.values()) {
            if (!e.wants || e.onCpu) {
                continue;
            }
            if (e.cap > 0 && e.capTokens < MIN_SLICE_NANOS) {
                if (e.throttledSince < 0) e.throttledSince = now;
                continue;
            }
            stopThrottling(e, now);
            if (best == null || e.credit > best.credit || (e.credit == best.credit && e.lastRan < best.lastRan)) {
                best = e;
            }
        }
        if (best == null) {
            return null;
        }
        best.onCpu = true;
        long slice = best.cap > 0 ? Math.min(SLICE_NANOS, best.capTokens) : SLICE_NANOS;
        return new Pick(best.id, Math.max(1, slice));
    }

    /** The VM that {@link #pick} chose ran for {@code nanos} and is off the CPU again. */
    public void charge(String id, long nanos, long now) {
        Entry entry = entries.get(id);
        if (entry == null) {
            return; // removed while it ran
        }
        account(now);
        entry.onCpu = false;
        entry.lastRan = now;
        entry.credit = Math.max(-MAX_DEBT, entry.credit - nanos);
        if (entry.cap > 0) {
            entry.capTokens -= nanos;
        }
    }

    /** Nanoseconds until a throttled VM that wants to run has cap again, or -1 if none is waiting on its cap. */
    public long nanosUntilUnthrottled(long now) {
        account(now);
        long soonest = -1;
        for (Entry e : entries.values()) {
            if (e.wants && !e.onCpu && e.cap > 0 && e.capTokens < MIN_SLICE_NANOS) {
                long wait = (MIN_SLICE_NANOS - e.capTokens) * 100 / e.cap + 1;
                soonest = soonest < 0 ? wait : Math.min(soonest, wait);
            }
        }
        return soonest;
    }

    /** Time the VM spent ready to run but held back by its cap. */
    public long throttledNanos(String id, long now) {
        Entry e = entry(id);
        return e.throttledNanos + (e.throttledSince >= 0 ? now - e.throttledSince : 0);
    }

    private void stopThrottling(Entry e, long now) {
        if (e.throttledSince >= 0) {
            e.throttledNanos += now - e.throttledSince;
            e.throttledSince = -1;
        }
    }

    /** Refills cap buckets continuously and hands out credit once per period. */
    private void account(long now) {
        if (lastRefill == Long.MIN_VALUE) {
            lastRefill = now;
            nextPeriod = now;
        }
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            for (Entry e : entries.values()) {
                if (e.cap > 0) {
                    e.capTokens = Math.min(e.capBucket(), e.capTokens + elapsed * e.cap / 100);
                }
            }
            lastRefill = now;
        }
        while (now >= nextPeriod) {
            distributeCredit();
            nextPeriod += PERIOD_NANOS;
            if (now - nextPeriod > 10 * PERIOD_NANOS) {
                nextPeriod = now + PERIOD_NANOS; // a long idle gap: no catching up on missed periods
            }
        }
    }

    /**
     * One period's CPU time, {@code cpus * PERIOD}, shared by weight among the VMs that want to
     * run. Each VM gets at most one CPU's worth, and a capped VM at most its cap; what those limits
     * leave over goes round again to the others, by weight, until it is all placed or nobody can
     * take more (water filling).
     */
    private void distributeCredit() {
        List<Entry> active = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.wants || e.onCpu) {
                active.add(e);
            }
        }
        Map<Entry, Long> share = new LinkedHashMap<>();
        long left = (long) cpus * PERIOD_NANOS;
        List<Entry> open = new ArrayList<>(active);
        while (left > 0 && !open.isEmpty()) {
            long weights = open.stream().mapToLong(e -> e.weight).sum();
            long placed = 0;
            List<Entry> full = new ArrayList<>();
            for (Entry e : open) {
                long limit = e.cap > 0 ? e.capBucket() : PERIOD_NANOS;
                long offer = left * e.weight / weights;
                long has = share.getOrDefault(e, 0L);
                long take = Math.min(offer, limit - has);
                share.put(e, has + take);
                placed += take;
                if (has + take >= limit) {
                    full.add(e);
                }
            }
            left -= placed;
            open.removeAll(full);
            if (full.isEmpty()) {
                break;
            }
        }
        for (Entry e : active) {
            e.credit = Math.min(MAX_CREDIT, e.credit + share.getOrDefault(e, 0L));
        }
    }

    private Entry entry(String id) {
        Entry entry = entries.get(id);
        if (entry == null) {
            throw new IllegalArgumentException("the scheduler has no VM " + id);
        }
        return entry;
    }
}
