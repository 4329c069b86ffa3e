package hvlab.vmm.replay;

/**
 * One exact point in a guest's execution: how many blocks of code had run, and EIP.
 *
 * <p>An EIP alone does not name a point: a loop passes the same EIP a million times. ReVirt
 * (Dunlap et al., OSDI 2002) named a point by the instructions' address plus the number of
 * branches taken so far, read from the CPU's performance counters. hvlab counts the blocks the
 * emulator runs instead (a block ends at a branch, so it is the same idea): the VMM's preemption
 * stub already runs at the start of every block, and counting there costs one increment. The
 * count is only ever compared between runs of the same guest from the same start, where the
 * emulator cuts the code into the same blocks.
 */
public record ReplayPoint(long blocks, long eip) {

    public ReplayPoint {
        if (blocks < 0) {
            throw new IllegalArgumentException("a block count cannot be negative");
        }
        eip &= 0xFFFF_FFFFL;
    }

    @Override
    public String toString() {
        return String.format("block %,d at EIP %#010x", blocks, eip);
    }
}
