package hvlab.vmm.trap;

import hvlab.cpu.Disassembler;
import hvlab.cpu.Instruction;
import hvlab.vmm.memory.GuestFault;
import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.paging.ShadowMmu;

import java.util.List;
import java.util.function.Predicate;

/**
 * Decodes the guest's instructions for the trap path, reading guest code only through the
 * {@link GuestRam} door. Decoding is the dearest step of a trap (Capstone with detail on), and a
 * guest traps at the same few places again and again, so decoded instructions are kept by
 * address; a kept one is used only while the bytes in memory are still the bytes it was decoded
 * from (guests may rewrite their code).
 *
 * <p>The table is direct-mapped, like a CPU's own caches: an address has one slot, and a newer
 * instruction there replaces the older. A lookup is an array index and a compare of the kept
 * bytes with guest memory in place: no boxed key, no copy, nothing allocated, on every trap.
 */
final class InstructionCache {
    private static final int MAX_INSTRUCTION_BYTES = 15;
    /** Slots in the table: a power of two. */
    private static final int SLOTS = 4096;

    private final GuestRam ram;
    private final Disassembler disassembler;
    private final Instruction[] decoded = new Instruction[SLOTS];
    private ShadowMmu mmu;

    InstructionCache(GuestRam ram, Disassembler disassembler) {
        this.ram = ram;
        this.disassembler = disassembler;
    }

    /** The instruction at {@code eip}, or null where there is none (undecodable, or outside RAM). */
    Instruction at(long eip) {
        int slot = (int) (eip ^ (eip >>> 12)) & (SLOTS - 1);
        Instruction known = decoded[slot];
        if (known != null && known.address() == eip && sameBytes(known)) {
            return known;
        }
        Instruction fresh = decode(eip);
        if (fresh != null) {
            decoded[slot] = fresh;
        }
        return fresh;
    }

    /**
     * The first instruction {@code wanted} accepts, decoding straight on from {@code start} (the
     * start of a translated block, which runs straight through), within {@code window} bytes.
     */
    Instruction firstFrom(long start, int window, Predicate<Instruction> wanted) {
        byte[] code = fetch(start, window);
        if (code.length == 0) {
            return null;
        }
        List<Instruction> run = disassembler.decodeAll(code, start);
        for (Instruction insn : run) {
            if (wanted.test(insn)) {
                return insn;
            }
        }
        return null;
    }

    private boolean sameBytes(Instruction known) {
        try {
            if (mmu == null || !mmu.pagingEnabled()) {
                return ram.holds(known.address(), known.bytes()); // in place: no copy on the hot path
            }
            return java.util.Arrays.equals(fetch(known.address(), known.bytes().length), known.bytes());
        } catch (GuestFault unreadable) {
            return false;
        }
    }

    private Instruction decode(long eip) {
        byte[] code = fetch(eip, MAX_INSTRUCTION_BYTES);
        return code.length == 0 ? null : disassembler.decode(code, eip);
    }

    /** Code bytes at a linear address: through the guest's page tables once it pages. */
    private byte[] fetch(long linear, int length) {
        if (mmu != null) {
            return mmu.fetch(linear, length);
        }
        long available = Math.max(0, Math.min(length, ram.size() - linear));
        return linear < 0 || available == 0 ? new byte[0] : ram.readBytes(linear, (int) available);
    }

    void setMmu(ShadowMmu mmu) {
        this.mmu = mmu;
    }
}
