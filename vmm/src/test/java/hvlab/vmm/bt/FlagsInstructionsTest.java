package hvlab.vmm.bt;

import hvlab.cpu.Register;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.trap.Emulation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** PUSHF and POPF follow the SDM's rules, applied to the virtual CPL, IF and IOPL. */
class FlagsInstructionsTest extends DecodingTest {
    static final int STACK_TOP = 0x8000;
    static final int CF = 1, IF = 1 << 9, RF = 1 << 16, AC = 1 << 18;

    final VirtualCpu vcpu = new VirtualCpu();
    final ArrayGuestState state = new ArrayGuestState(0x10000);
    final FlagsInstructions flags = new FlagsInstructions(vcpu);

    @BeforeEach
    void setUp() {
        state.setRegister(Register.ESP, STACK_TOP);
        state.setRegister(Register.EFLAGS, 0x202 | CF);   // real: IF always 1, IOPL 0
    }

    @Test
    void pushfShowsTheVirtualInterruptFlagAndIopl() {
        assertEquals(new Emulation.Resume(0x1001), flags.pushFlags(at(0x1000, "9c"), state));
        assertEquals(0x002 | CF, state.read(STACK_TOP - 4, 4), "IF = 0: the guest ran CLI");
        vcpu.setInterruptsEnabled(true);
        vcpu.setIopl(3);
        state.setRegister(Register.EFLAGS, 0x202 | CF | RF);
        flags.pushFlags(at(0x1001, "9c"), state);
        assertEquals(0x3202 | CF, state.read(STACK_TOP - 8, 4), "IF and IOPL 3 shown, RF never pushed");
    }

    @Test
    void sixteenBitPushfPushesTheLowWord() {
        vcpu.setInterruptsEnabled(true);
        assertEquals(new Emulation.Resume(0x1002), flags.pushFlags(at(0x1000, "669c"), state));
        assertEquals(STACK_TOP - 2, state.register(Register.ESP));
        assertEquals(0x203, state.read(STACK_TOP - 2, 2));
    }

    @Test
    void popfAtCplZeroChangesIfAndIoplVirtuallyAndTheRestForReal() {
        push(0x3202 | AC);                                // IF = 1, IOPL 3, AC; CF clear
        assertEquals(new Emulation.Resume(0x1001), flags.popFlags(at(0x1000, "9d"), state));
        assertTrue(vcpu.interruptsEnabled());
        assertEquals(3, vcpu.iopl());
        assertEquals(0x202 | AC, state.register(Register.EFLAGS), "real IF stays 1, real IOPL stays 0");
        assertEquals(STACK_TOP, state.register(Register.ESP));
        push(0x002);                                      // IF = 0, IOPL 0
        flags.popFlags(at(0x1001, "9d"), state);
        assertFalse(vcpu.interruptsEnabled());
        assertEquals(0, vcpu.iopl());
        assertEquals(0x202, state.register(Register.EFLAGS));
    }

    @Test
    void popfAboveIoplIgnoresIfAndIoplWithoutAFault() {
        vcpu.setPrivilegeLevel(3);
        vcpu.setInterruptsEnabled(true);
        push(0x3002);                                     // tries IF = 0 and IOPL 3
        assertInstanceOf(Emulation.Resume.class, flags.popFlags(at(0x1000, "9d"), state));
        assertTrue(vcpu.interruptsEnabled());
        assertEquals(0, vcpu.iopl());
        assertEquals(0x202, state.register(Register.EFLAGS), "CF still popped");
    }

    @Test
    void popfAtOrBelowIoplChangesIfButNotIopl() {
        vcpu.setIopl(3);
        vcpu.setPrivilegeLevel(3);
        push(0x0202);                                     // IF = 1, IOPL 0
        flags.popFlags(at(0x1000, "9d"), state);
        assertTrue(vcpu.interruptsEnabled());
        assertEquals(3, vcpu.iopl(), "only CPL 0 may change IOPL");
    }

    @Test
    void sixteenBitPopfLeavesTheHighWordAlone() {
        state.setRegister(Register.EFLAGS, 0x202 | AC | RF);
        state.setRegister(Register.ESP, STACK_TOP - 2);
        state.write(STACK_TOP - 2, 2, 0x0203);
        assertEquals(new Emulation.Resume(0x1002), flags.popFlags(at(0x1000, "669d"), state));
        assertEquals(STACK_TOP, state.register(Register.ESP));
        assertTrue(vcpu.interruptsEnabled());
        assertEquals(0x203 | AC | RF, state.register(Register.EFLAGS));
    }

    void push(int value) {
        int esp = state.register(Register.ESP) - 4;
        state.write(esp, 4, value);
        state.setRegister(Register.ESP, esp);
    }
}
