package hvlab.vmm.trap;

import hvlab.cpu.Disassembler;
import hvlab.cpu.Instruction;
import hvlab.vmm.memory.GuestFault;
import hvlab.vmm.memory.GuestRam;

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
        long available = Math.max(0, Math.min(window, ram.size() - start));
        if (start < 0 || available == 0) {
            return null;
        }
        List<Instruction> run = disassembler.decodeAll(ram.readBytes(start, (int) available), start);
        for (Instruction insn : run) {
            if (wanted.test(insn)) {
                return insn;
            }
        }
        return null;
    }

    private boolean sameBytes(Instruction known) {
        try {
            return ram.holds(known.address(), known.bytes());
        } catch (GuestFault unreadable) {
            return false;
        }
    }

    private Instruction decode(long eip) {
        long available = Math.min(MAX_INSTRUCTION_BYTES, ram.size() - eip);
        if (eip < 0 || available <= 0) {
            return null;
        }
        return disassembler.decode(ram.readBytes(eip, (int) available), eip);
    }
}
