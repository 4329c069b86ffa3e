package hvlab.vmm.paging;

import java.util.BitSet;

/**
 * The guest frames the emulator may hold translated code for: the frames a block was translated
 * from since their code was last dropped.
 *
 * <p>Why it matters. QEMU notices stores to code that the guest makes itself, but not the VMM's
 * own stores (an interrupt frame pushed, an emulated PUSHF, a sector read by an emulated
 * {@code rep insl}). With the guest paging, the translations of a frame the VMM wrote can only be
 * dropped with the CPU stopped (see {@link AliasChanges}), and a stop costs tens of
 * microseconds. Nearly all of the VMM's stores hit stacks and buffers, never code: xv6 runs
 * PUSHF in every {@code pushcli}, {@code popcli} and {@code mycpu}, which binary translation
 * emulates with a store to the kernel stack. Stopping for each made a timer tick's work longer
 * than the tick, and a VM on a host's real-time clock never got past its first disk write.
 *
 * <p>So the VMM keeps what the emulator tells it (Unicorn's edge-generated hook fires for every
 * new block, the first of the engine's life, the VMM's trampoline, excepted) and drops code only
 * where some was translated. A frame leaves the set when its code is dropped; if the guest runs it
 * again, its new translation puts it back. This is the software form of what a real CPU does with
 * its self-modifying-code detection: only writes to lines that were fetched as code are checked.
 */
final class CodeFrames {
    private static final int PAGE_SHIFT = 12;
    private final BitSet frames = new BitSet();

    /** A block was translated from guest-physical {@code [physical, physical + length)}. */
    void translated(long physical, long length) {
        if (physical < 0 || length <= 0) return;
        frames.set(frame(physical), frame(physical + length - 1) + 1);
    }

    /** Does {@code [physical, physical + length)} touch a frame with translated code? */
    boolean anyIn(long physical, long length) {
        if (physical < 0 || length <= 0) return false;
        int next = frames.nextSetBit(frame(physical));
        return next >= 0 && next <= frame(physical + length - 1);
    }

    /** The code of {@code [physical, physical + length)} is being dropped. */
    void dropped(long physical, long length) {
        if (physical < 0 || length <= 0) return;
        frames.clear(frame(physical), frame(physical + length - 1) + 1);
    }

    /** How many frames may hold code now. */
    int count() {
        return frames.cardinality();
    }

    private static int frame(long physical) {
        return (int) Math.min(Integer.MAX_VALUE - 1, physical >>> PAGE_SHIFT);
    }
}
