package hvlab.vmm.containment;

import hvlab.vmm.ExecutionMode;

import java.time.Duration;

/**
 * One generated guest: everything needed to run it again exactly, which is just the seed and
 * the mode (the generator is deterministic), plus what it made from them.
 *
 * @param userMode the random code runs in a user task (virtual CPL 3) of the fuzz kernel, not in the kernel itself
 * @param pieces how many random pieces (an instruction, a short group that belongs together, or a run of
 *               random bytes) the case's segments hold: the hostile inputs it was made of
 */
public record FuzzCase(long seed, ExecutionMode mode, Kind kind, boolean userMode, byte[] image, long memoryBytes,
                       Duration timeout, int pieces) {

    /** What the random segments are made of. */
    public enum Kind {
        /** Uniformly random bytes: whatever the decoder makes of them. */
        RANDOM_BYTES,
        /** Instructions from the table of interesting encodings: privileged, sensitive, far transfers, stacks, strings. */
        INSTRUCTIONS,
        /** Mostly IN, OUT, INS and OUTS, with random ports, counts, pointers, IOPL and TSS bitmaps. */
        PORT_IO,
        /** Random GDT entries and IDT gates, then far transfers, segment loads, LTR, LLDT and INT n that use them. */
        DESCRIPTOR_TABLES,
        /** Random hypercall numbers and arguments (meaningful in paravirt mode; -ENOSYS elsewhere). */
        HYPERCALLS
    }

    public String describe() {
        return String.format("seed %d: %s, %s, %s, %d pieces, %d bytes", seed, mode.label(),
                kind.name().toLowerCase().replace('_', '-'), userMode ? "user task" : "kernel", pieces, image.length);
    }
}
