package hvlab.vmm.bt;

import hvlab.cpu.Register;
import hvlab.cpu.TableRegister;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.trap.Emulation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** LAR, LSL, VERR and VERW answer from the guest's descriptors, with the guest's DPLs, at its virtual CPL. */
class SegmentQueriesTest extends DecodingTest {
    static final int ZF = 1 << 6;
    static final String LAR_EAX_EBX = "0f02c3", LAR_AX_BX = "660f02c3", LSL_EAX_EBX = "0f03c3", LSL_AX_BX = "660f03c3";
    static final String VERR_BX = "0f00e3", VERW_BX = "0f00eb";
    static final int GDT = 0x3000, LDT = 0x4000;

    final VirtualCpu vcpu = new VirtualCpu();
    final ArrayGuestState state = new ArrayGuestState(0x10000);
    final SegmentQueries queries = new SegmentQueries(vcpu, new GuestDescriptors(vcpu));

    @BeforeEach
    void setUp() {
        state.setRegister(Register.EFLAGS, 0x202);
    }

    /** Runs {@code hex} with {@code selector} in EBX; returns ZF. */
    boolean query(String hex, int selector) {
        state.setRegister(Register.EBX, selector);
        var insn = at(0x1000, hex);
        assertEquals(new Emulation.Resume(insn.nextAddress()), queries.emulate(insn, state));
        return (state.register(Register.EFLAGS) & ZF) != 0;
    }

    @Test
    void theBootGdtShowsKernelSegmentsAtDplZero() {
        assertTrue(query(LAR_EAX_EBX, 0x08));
        assertEquals(0x00C09B00, state.register(Register.EAX), "present, DPL 0, code, execute/read; G and D set");
        assertTrue(query(LAR_AX_BX, 0x1B));
        assertEquals(0xFB00, state.register(Register.AX), "user code: DPL 3");
        assertTrue(query(LSL_EAX_EBX, 0x10));
        assertEquals(0xFFFFFFFF, state.register(Register.EAX));
        assertTrue(query(LSL_AX_BX, 0x10));
        assertEquals(0xFFFF, state.register(Register.AX));
    }

    @Test
    void aUserTaskCannotSeeKernelSegments() {
        vcpu.setPrivilegeLevel(3);
        state.setRegister(Register.EAX, 0x12345678);
        assertFalse(query(LAR_EAX_EBX, 0x08));
        assertEquals(0x12345678, state.register(Register.EAX), "on failure the destination is unchanged");
        assertFalse(query(VERR_BX, 0x10));
        assertTrue(query(VERW_BX, 0x23));
    }

    @Test
    void verrAndVerwCheckReadableAndWritable() {
        assertTrue(query(VERR_BX, 0x08), "execute/read code is readable");
        assertFalse(query(VERW_BX, 0x08), "code is never writable");
        assertTrue(query(VERW_BX, 0x10));
        assertFalse(query(VERW_BX, 0x13), "RPL 3 above DPL 0");
        assertFalse(query(VERR_BX, 0x00), "null selector");
        assertFalse(query(VERR_BX, 0x28), "beyond the boot GDT");
    }

    @Test
    void theGuestsOwnGdtDecidesTypesAndPrivilege() {
        long[] gdt = {
                0,
                descriptor(0, 0xFFFFF, 0xF, false, 0),      // 0x08 conforming code, DPL 0
                descriptor(0, 0xFFFFF, 0x3, false, 0),      // 0x10 data, DPL 0
                descriptor(0x5000, 0x67, 0x9, true, 0),     // 0x18 available 32-bit TSS
                descriptor(0, 0, 0xE, true, 0),             // 0x20 interrupt gate: LAR refuses it
                descriptor(0, 0, 0xC, true, 3),             // 0x28 call gate: LAR yes, LSL no (no limit)
                descriptor(LDT, 0xF, 0x2, true, 0),         // 0x30 the LDT
        };
        for (int i = 0; i < gdt.length; i++) writeDescriptor(GDT + 8 * i, gdt[i]);
        writeDescriptor(LDT + 8, descriptor(0, 0xFFFFF, 0x3, false, 3));   // LDT selector 0x0F: user data
        vcpu.setGdtr(TableRegister.Value.of(GDT, gdt.length * 8 - 1));

        assertTrue(query(LAR_EAX_EBX, 0x18));
        assertTrue(query(LSL_EAX_EBX, 0x18));
        assertEquals(0x67, state.register(Register.EAX));
        assertFalse(query(LAR_EAX_EBX, 0x20));
        assertTrue(query(LAR_EAX_EBX, 0x28));
        assertFalse(query(LSL_EAX_EBX, 0x28));
        assertFalse(query(LAR_EAX_EBX, 0x38), "beyond the GDT's limit");
        assertFalse(query(LAR_EAX_EBX, 0x0F), "no LDT loaded yet");

        vcpu.setPrivilegeLevel(3);
        assertTrue(query(LAR_EAX_EBX, 0x08), "conforming code skips the privilege check");
        assertFalse(query(LAR_EAX_EBX, 0x10));
        vcpu.setLdtSelector(0x30);
        assertTrue(query(VERW_BX, 0x0F));
        assertTrue(query(LAR_EAX_EBX, 0x0F));
        assertEquals(0x00C0F300, state.register(Register.EAX));
    }

    static long descriptor(long base, long limit, int type, boolean system, int dpl) {
        return new SegmentDescriptor(base, limit, type, system, dpl, true, !system, !system).encode();
    }

    void writeDescriptor(int address, long raw) {
        state.write(address, 4, (int) raw);
        state.write(address + 4, 4, (int) (raw >>> 32));
    }
}
