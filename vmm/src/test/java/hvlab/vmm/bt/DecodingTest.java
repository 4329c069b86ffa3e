package hvlab.vmm.bt;

import hvlab.cpu.Instruction;
import hvlab.cpu.capstone.CapstoneDisassembler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.HexFormat;

/** Tests that decode real machine code with Capstone, so they see the instructions a scan sees. */
abstract class DecodingTest {
    static CapstoneDisassembler capstone;

    @BeforeAll
    static void openDisassembler() {
        capstone = new CapstoneDisassembler();
    }

    @AfterAll
    static void closeDisassembler() {
        capstone.close();
    }

    /** The instruction encoded by {@code hex} (e.g. "0f0100", sgdt [eax]) at {@code address}. */
    static Instruction at(long address, String hex) {
        Instruction insn = capstone.decode(HexFormat.of().parseHex(hex.replace(" ", "")), address);
        if (insn == null) throw new IllegalArgumentException("not an instruction: " + hex);
        return insn;
    }
}
