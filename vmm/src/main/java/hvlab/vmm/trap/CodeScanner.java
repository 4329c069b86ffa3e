package hvlab.vmm.trap;

import hvlab.cpu.Disassembler;
import hvlab.cpu.Instruction;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Finds instructions of interest in guest code before they run: the first step of a binary
 * translator. A linear sweep with the disassembler over a range of bytes; where the bytes do not
 * decode (data between code), it skips one byte and tries again, and x86 code resynchronises
 * within a few instructions. A sweep may also "find" instructions inside data: harmless here,
 * since the VMM only watches those addresses, and data never runs.
 */
public final class CodeScanner {
    private final Disassembler disassembler;

    public CodeScanner(Disassembler disassembler) {
        this.disassembler = disassembler;
    }

    /** Every instruction in {@code code} (loaded at {@code address}) that {@code wanted} accepts. */
    public List<Instruction> scan(byte[] code, long address, Predicate<Instruction> wanted) {
        List<Instruction> found = new ArrayList<>();
        int offset = 0;
        while (offset < code.length) {
            byte[] rest = java.util.Arrays.copyOfRange(code, offset, Math.min(code.length, offset + 4096 + 15));
            List<Instruction> run = disassembler.decodeAll(rest, address + offset);
            if (run.isEmpty()) {
                offset++;
                continue;
            }
            int consumed = 0;
            for (Instruction insn : run) {
                if (consumed >= 4096) {
                    break;
                }
                if (wanted.test(insn)) {
                    found.add(insn);
                }
                consumed += insn.size();
            }
            offset += consumed;
        }
        return found;
    }
}
