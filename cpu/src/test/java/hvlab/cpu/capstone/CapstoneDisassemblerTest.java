package hvlab.cpu.capstone;

import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.cpu.Register;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CapstoneDisassemblerTest {
    static CapstoneDisassembler capstone;

    @BeforeAll
    static void open() {
        capstone = new CapstoneDisassembler();
    }

    @AfterAll
    static void close() {
        capstone.close();
    }

    @Test
    void decodesMoveToControlRegister() {
        Instruction i = capstone.decode(new byte[] {0x0F, 0x22, (byte) 0xC0}, 0x100000);
        assertEquals("mov", i.mnemonic());
        assertEquals(3, i.size());
        assertEquals(0x100003, i.nextAddress());
        assertEquals(Register.CR0, ((Operand.Reg) i.operand(0)).register());
        assertEquals(Register.EAX, ((Operand.Reg) i.operand(1)).register());
        assertEquals("mov cr0, eax", i.text());
    }

    @Test
    void decodesMemoryOperandWithAllParts() {
        // lgdt [ebx + esi*4 + 0x10]
        Instruction i = capstone.decode(new byte[] {0x0F, 0x01, 0x54, (byte) 0xB3, 0x10}, 0);
        assertEquals("lgdt", i.mnemonic());
        Operand.Mem m = (Operand.Mem) i.operand(0);
        assertEquals(Register.EBX, m.base());
        assertEquals(Register.ESI, m.index());
        assertEquals(4, m.scale());
        assertEquals(0x10, m.displacement());
    }

    @Test
    void decodesPortIoAndImmediates() {
        Instruction in = capstone.decode(new byte[] {(byte) 0xEC}, 0);
        assertEquals("in", in.mnemonic());
        assertEquals(Register.AL, ((Operand.Reg) in.operand(0)).register());
        assertEquals(Register.DX, ((Operand.Reg) in.operand(1)).register());
        Instruction out = capstone.decode(new byte[] {(byte) 0xE6, (byte) 0xF4}, 0);
        assertEquals(0xF4, ((Operand.Imm) out.operand(0)).value());
    }

    @Test
    void decodesARunAndStopsAtGarbage() {
        // cli; sti; hlt; then a lone 0x0F prefix that is not an instruction
        var all = capstone.decodeAll(new byte[] {(byte) 0xFA, (byte) 0xFB, (byte) 0xF4, 0x0F}, 0x1000);
        assertEquals(3, all.size());
        assertEquals("cli", all.get(0).mnemonic());
        assertEquals(0x1002, all.get(2).address());
        assertNull(capstone.decode(new byte[] {0x0F}, 0));
    }
}
