package hvlab.vmm.trap;

import hvlab.cpu.Instruction;
import hvlab.cpu.Operand;
import hvlab.cpu.Register;
import hvlab.vmm.ModelSpecificRegisters;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Emulation is pure: these tests hand it decoded instructions, no CPU involved. */
class PrivilegedInstructionsTest {
    final VirtualCpu vcpu = new VirtualCpu();
    final PrivilegedInstructions emulator = new PrivilegedInstructions(vcpu);
    final FakeGuestState state = new FakeGuestState(0x10000);

    static Instruction insn(long at, int size, String mnemonic, String operands, Operand... ops) {
        return new Instruction(at, size, new byte[size], mnemonic, operands, List.of(ops));
    }

    @Test
    void cliAndStiFlipOnlyTheVirtualInterruptFlag() {
        assertEquals(new Emulation.Resume(0x1001), emulator.emulate(insn(0x1000, 1, "sti", ""), state));
        assertTrue(vcpu.interruptsEnabled());
        assertEquals(new Emulation.Resume(0x1002), emulator.emulate(insn(0x1001, 1, "cli", ""), state));
        assertFalse(vcpu.interruptsEnabled());
    }

    @Test
    void hltWithInterruptsDisabledEndsTheVm() {
        assertEquals(new Emulation.Exit(new VmExit.Halt(0x2000)), emulator.emulate(insn(0x2000, 1, "hlt", ""), state));
        assertTrue(vcpu.halted());
    }

    static Operand.Reg reg(Register r) {
        return new Operand.Reg(r, r.name().toLowerCase(), r.width());
    }

    @Test
    void hltWithInterruptsEnabledWaitsForTheNextInterrupt() {
        vcpu.setInterruptsEnabled(true);
        assertEquals(new Emulation.Halt(0x2001), emulator.emulate(insn(0x2000, 1, "hlt", ""), state));
    }

    @Test
    void controlRegistersAreVirtual() {
        state.setRegister(Register.EAX, 0x1234000);
        var toCr3 = insn(0x3000, 3, "mov", "cr3, eax", reg(Register.CR3), reg(Register.EAX));
        assertTrue(PrivilegedInstructions.isPrivileged(toCr3));
        assertEquals(new Emulation.Resume(0x3003), emulator.emulate(toCr3, state));
        assertEquals(0x1234000, vcpu.cr3());
        var fromCr0 = insn(0x3003, 3, "mov", "ebx, cr0", reg(Register.EBX), reg(Register.CR0));
        emulator.emulate(fromCr0, state);
        assertEquals(VirtualCpu.CR0_RESET, state.register(Register.EBX));
    }

    @Test
    void pagingIsVirtualAndNeedsProtectedMode() {
        state.setRegister(Register.EAX, 0x80000011);
        assertEquals(new Emulation.Resume(0x3003), emulator.emulate(insn(0x3000, 3, "mov", "cr0, eax", reg(Register.CR0), reg(Register.EAX)), state));
        assertTrue(vcpu.pagingEnabled());
        state.setRegister(Register.EAX, 0x80000000); // PG without PE: #GP(0) (SDM Vol. 3A, 2.5)
        assertEquals(new Emulation.Raise(13, 0, 0x3003),
                emulator.emulate(insn(0x3003, 3, "mov", "cr0, eax", reg(Register.CR0), reg(Register.EAX)), state));
    }

    @Test
    void paePagingIsAClearNotSupportedExit() {
        state.setRegister(Register.EAX, 0x80000011);
        emulator.emulate(insn(0x3000, 3, "mov", "cr0, eax", reg(Register.CR0), reg(Register.EAX)), state);
        state.setRegister(Register.EAX, 1 << 5);
        var exit = (Emulation.Exit) emulator.emulate(insn(0x3003, 3, "mov", "cr4, eax", reg(Register.CR4), reg(Register.EAX)), state);
        assertTrue(exit.exit().describe().contains("PAE paging is not supported"), exit.exit().describe());
    }

    @Test
    void cr3LoadsAndInvlpgReachTheTlbListener() {
        java.util.List<String> heard = new java.util.ArrayList<>();
        emulator.setTlbListener(new TlbListener() {
            @Override
            public void cr3Loaded() {
                heard.add("cr3");
            }

            @Override
            public void pageInvalidated(long linear) {
                heard.add(Long.toHexString(linear));
            }
        });
        state.setRegister(Register.EAX, 0x200000);
        emulator.emulate(insn(0x3000, 3, "mov", "cr3, eax", reg(Register.CR3), reg(Register.EAX)), state);
        emulator.emulate(insn(0x3000, 3, "mov", "cr3, eax", reg(Register.CR3), reg(Register.EAX)), state); // the same value: still a flush
        state.setRegister(Register.EBX, 0x40001234);
        assertEquals(new Emulation.Resume(0x3003), emulator.emulate(insn(0x3000, 3, "invlpg", "[ebx]",
                new Operand.Mem(null, Register.EBX, null, 1, 0, 1)), state));
        assertEquals(java.util.List.of("cr3", "cr3", "40001234"), heard);
    }

    @Test
    void reservedCr4BitsRaiseGeneralProtection() {
        state.setRegister(Register.EAX, 1 << 20);
        assertEquals(new Emulation.Raise(13, 0, 0x3000),
                emulator.emulate(insn(0x3000, 3, "mov", "cr4, eax", reg(Register.CR4), reg(Register.EAX)), state));
    }

    @Test
    void lgdtReadsThePseudoDescriptorFromMemory() {
        state.write(0x500, 2, 0x27);
        state.write(0x502, 4, 0x9000);
        state.setRegister(Register.EBX, 0x500);
        var lgdt = insn(0x100, 3, "lgdt", "[ebx]", new Operand.Mem(null, Register.EBX, null, 1, 0, 6));
        assertEquals(new Emulation.Resume(0x103), emulator.emulate(lgdt, state));
        assertEquals(0x9000, vcpu.gdtr().base());
        assertEquals(0x27, vcpu.gdtr().limit());
    }

    @Test
    void ltrChecksTheDescriptorAndMarksTheTssBusy() {
        // GDT at 0x9000 with a 32-bit available TSS (type 9) in entry 5.
        vcpu.setGdtr(hvlab.cpu.TableRegister.Value.of(0x9000, 0x2F));
        long tss = new hvlab.vmm.boot.SegmentDescriptor(0x8000, 0x67, 0x9, true, 0, true, false, false).encode();
        state.write(0x9028, 4, (int) tss);
        state.write(0x902C, 4, (int) (tss >>> 32));
        state.setRegister(Register.EAX, 0x28);
        var ltr = insn(0x100, 3, "ltr", "ax", reg(Register.AX));
        assertEquals(new Emulation.Resume(0x103), emulator.emulate(ltr, state));
        assertEquals(0x28, vcpu.taskSelector());
        assertEquals(0xB, (state.read(0x902C, 4) >> 8) & 0xF, "busy TSS");
        // Loading it again: a busy TSS is no longer type 9, so #GP(selector).
        assertEquals(new Emulation.Raise(13, 0x28, 0x100), emulator.emulate(ltr, state));
    }

    @Test
    void msrsReadBackAndUnknownOnesRaiseGeneralProtection() {
        state.setRegister(Register.ECX, ModelSpecificRegisters.SYSENTER_EIP);
        state.setRegister(Register.EAX, 0xC0001000);
        state.setRegister(Register.EDX, 0);
        assertEquals(new Emulation.Resume(0x102), emulator.emulate(insn(0x100, 2, "wrmsr", ""), state));
        state.setRegister(Register.EAX, 0);
        emulator.emulate(insn(0x100, 2, "rdmsr", ""), state);
        assertEquals(0xC0001000, state.register(Register.EAX));
        state.setRegister(Register.ECX, 0xDEAD);
        assertEquals(new Emulation.Raise(13, 0, 0x100), emulator.emulate(insn(0x100, 2, "rdmsr", ""), state));
    }

    @Test
    void virtualTscIsMonotonicAndDeterministic() {
        long[] first = new long[3];
        for (int i = 0; i < 3; i++) {
            emulator.emulate(insn(0x100, 2, "rdtsc", ""), state);
            first[i] = Integer.toUnsignedLong(state.register(Register.EAX));
        }
        assertTrue(first[0] < first[1] && first[1] < first[2]);
        var again = new PrivilegedInstructions(new VirtualCpu());
        again.emulate(insn(0x100, 2, "rdtsc", ""), state);
        assertEquals(first[0], Integer.toUnsignedLong(state.register(Register.EAX)), "same guest, same TSC");
    }

    @Test
    void aUserTaskGetsGeneralProtectionForKernelInstructions() {
        vcpu.setPrivilegeLevel(3);
        assertEquals(new Emulation.Raise(13, 0, 0x100), emulator.emulate(insn(0x100, 1, "cli", ""), state));
        assertEquals(new Emulation.Raise(13, 0, 0x100), emulator.emulate(insn(0x100, 1, "hlt", ""), state));
        vcpu.setIopl(3);
        assertEquals(new Emulation.Resume(0x101), emulator.emulate(insn(0x100, 1, "cli", ""), state), "IOPL 3 lets it");
    }

    @Test
    void anOrdinaryInstructionThatFaultedIsTheGuestsOwnGeneralProtectionFault() {
        var load = insn(0x4000, 2, "mov", "ds, ax");
        assertFalse(PrivilegedInstructions.isPrivileged(load));
        assertEquals(new Emulation.Raise(13, 0, 0x4000), emulator.emulate(load, state));
    }
}
