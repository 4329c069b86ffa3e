package hvlab.vmm.trap;

import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.cpu.Register;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Emulation is pure: these tests hand it decoded instructions, no CPU involved. */
class PrivilegedInstructionsTest {
    final VirtualCpu vcpu = new VirtualCpu();
    final PrivilegedInstructions emulator = new PrivilegedInstructions(vcpu);

    static Instruction insn(long at, int size, String mnemonic, String operands, Operand... ops) {
        return new Instruction(at, size, new byte[size], mnemonic, operands, List.of(ops));
    }

    @Test
    void cliAndStiFlipOnlyTheVirtualInterruptFlag() {
        assertEquals(new Emulation.Resume(0x1001), emulator.emulate(insn(0x1000, 1, "sti", "")));
        assertTrue(vcpu.interruptsEnabled());
        assertEquals(new Emulation.Resume(0x1002), emulator.emulate(insn(0x1001, 1, "cli", "")));
        assertFalse(vcpu.interruptsEnabled());
    }

    @Test
    void hltWithInterruptsDisabledEndsTheVm() {
        assertEquals(new Emulation.Exit(new VmExit.Halt(0x2000)), emulator.emulate(insn(0x2000, 1, "hlt", "")));
        assertTrue(vcpu.halted());
    }

    @Test
    void privilegedButNotYetEmulatedIsNamed() {
        var mov = insn(0x3000, 3, "mov", "cr3, eax",
                new Operand.Reg(Register.CR3, "cr3", 4), new Operand.Reg(Register.EAX, "eax", 4));
        assertTrue(PrivilegedInstructions.isPrivileged(mov));
        assertEquals(new Emulation.Exit(new VmExit.NotEmulated("mov cr3, eax", 0x3000)), emulator.emulate(mov));
    }

    @Test
    void anOrdinaryInstructionThatFaultedIsTheGuestsOwnGeneralProtectionFault() {
        var load = insn(0x4000, 2, "mov", "ds, ax");
        assertFalse(PrivilegedInstructions.isPrivileged(load));
        var exit = (Emulation.Exit) emulator.emulate(load);
        assertEquals(13, ((VmExit.Fault) exit.exit()).vector());
    }
}
