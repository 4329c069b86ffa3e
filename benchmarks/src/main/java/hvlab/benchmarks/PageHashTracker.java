package hvlab.benchmarks;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.snapshot.DirtyPageTracker;

import java.lang.foreign.MemorySegment;
import java.util.BitSet;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Candidate 2 of B09_Snapshot: a 64-bit hash per page kept at the starting point instead of a copy
 * of RAM (8 bytes a page, not 4,096), and RAM hashed again at each snapshot. Measured, not used by
 * the VMM; DESIGN.md says why.
 *
 * <p>The hash is xxHash64's inner loop: each page read as 512 longs in four independent lanes,
 * each lane {@code acc = rotl(acc + word * P2, 31) * P1}, so that several multiplications are in
 * flight at once (one chain would wait on each multiply's latency), then the lanes merged and the
 * bits mixed. The rotation matters: with multiplications alone a difference in a word's top bit
 * never reaches the lower bits, and two such differences in one lane cancel out, a collision any
 * guest flipping the sign of two numbers could make by accident. It is fast, and no
 * defence against a guest that wants a change to go unseen: anyone who knows the function can
 * build a page that hashes like the old one, and then the snapshot silently keeps stale memory.
 * A hash that resists that (SHA-256) costs far more per byte ({@link B09_Snapshot#sha256Ram}).
 */
final class PageHashTracker implements DirtyPageTracker {
    private static final int PAGE = 4096;
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;

    private final MemorySegment ram;
    private final long[] hashes;

    PageHashTracker(GuestMemory ram) {
        this.ram = ram.segment();
        this.hashes = new long[(int) (ram.size() / PAGE)];
    }

    @Override
    public void startOver() {
        for (int page = 0; page < hashes.length; page++) {
            hashes[page] = hash(ram, (long) page * PAGE);
        }
    }

    @Override
    public BitSet takeDirty() {
        BitSet dirty = new BitSet(hashes.length);
        for (int page = 0; page < hashes.length; page++) {
            long now = hash(ram, (long) page * PAGE);
            if (now != hashes[page]) {
                hashes[page] = now;
                dirty.set(page);
            }
        }
        return dirty;
    }

    static long hash(MemorySegment ram, long at) {
        long a = P1 + P2, b = P2, c = 0, d = -P1;
        for (long i = at, end = at + PAGE; i < end; i += 32) {
            a = Long.rotateLeft(a + ram.get(JAVA_LONG, i) * P2, 31) * P1;
            b = Long.rotateLeft(b + ram.get(JAVA_LONG, i + 8) * P2, 31) * P1;
            c = Long.rotateLeft(c + ram.get(JAVA_LONG, i + 16) * P2, 31) * P1;
            d = Long.rotateLeft(d + ram.get(JAVA_LONG, i + 24) * P2, 31) * P1;
        }
        long h = Long.rotateLeft(a, 1) + Long.rotateLeft(b, 7) + Long.rotateLeft(c, 12) + Long.rotateLeft(d, 18);
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ (h >>> 32);
    }

    @Override
    public String method() {
        return "hash";
    }

    @Override
    public void close() {
    }
}
