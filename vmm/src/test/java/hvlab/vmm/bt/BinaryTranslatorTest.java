package hvlab.vmm.bt;

import hvlab.cpu.Register;
import hvlab.cpu.TableRegister;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import hvlab.vmm.trap.Emulation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** The translator's emulations: what each instruction shows the guest instead of the real CPU's state. */
class BinaryTranslatorTest extends DecodingTest {
    static final long CODE = 0x1000;
    static final int DATA = 0x2000;
    static final int STACK_TOP = 0x8000;

    final VirtualCpu vcpu = new VirtualCpu();
    final ArrayGuestState state = new ArrayGuestState(0x10000);
    BinaryTranslator translator;

    @BeforeEach
    void setUp() {
        translator = new BinaryTranslator(vcpu, capstone);
        state.setRegister(Register.ESP, STACK_TOP);
        state.setRegister(Register.CS, 0x08 | 3);  // what the real CPU holds: the guest's selector at RPL 3
        state.setRegister(Register.SS, 0x10 | 3);
    }

    /** Puts {@code hex} at CODE as the guest's code, scans it afresh, and runs its one site as the CPU would. */
    Emulation run(String hex) {
        byte[] code = HexFormat.of().parseHex(hex);
        state.writeBytes(CODE, code);
        translator = new BinaryTranslator(vcpu, capstone);
        assertEquals(1, translator.findSites(code, CODE).size(), hex + " is one sensitive instruction");
        return translator.onWatched(CODE, state);
    }

    @Test
    void sgdtAndSidtStoreTheVirtualTableRegistersNotTheShadow() {
        vcpu.setGdtr(TableRegister.Value.of(0x00101234, 0x2F));
        vcpu.setIdtr(TableRegister.Value.of(0x00105678, 0x7FF));
        state.setRegister(Register.EAX, DATA);
        assertEquals(new Emulation.Resume(CODE + 3), run("0f0100"));     // sgdt [eax]
        assertEquals(0x2F, state.read(DATA, 2));
        assertEquals(0x00101234, state.read(DATA + 2, 4));
        state.setRegister(Register.EBX, DATA - 4);
        assertEquals(new Emulation.Resume(CODE + 4), run("0f014b04"));   // sidt [ebx + 4]
        assertEquals(0x7FF, state.read(DATA, 2));
        assertEquals(0x00105678, state.read(DATA + 2, 4));
    }

    @Test
    void sldtAndStrShowTheSelectorsOfLldtAndLtr() {
        vcpu.setLdtSelector(0x30);
        vcpu.setTaskSelector(0x28);
        state.setRegister(Register.EAX, 0xDEAD0000);
        run("0f00c0");                                                   // sldt eax: zero-extended
        assertEquals(0x30, state.register(Register.EAX));
        state.setRegister(Register.ECX, 0xDEADBEEF);
        run("660f00c9");                                                 // str cx: the high half stays
        assertEquals(0xDEAD0028, state.register(Register.ECX));
        state.setRegister(Register.EAX, DATA);
        state.write(DATA, 4, 0xFFFFFFFF);
        run("0f0008");                                                   // str [eax]: two bytes only
        assertEquals(0xFFFF0028, state.read(DATA, 4));
    }

    @Test
    void smswShowsTheVirtualCr0() {
        vcpu.setCr0(VirtualCpu.CR0_RESET | VirtualCpu.CR0_TS);
        run("660f01e0");                                                 // smsw ax
        assertEquals(0x19, state.register(Register.EAX));
        state.setRegister(Register.EBX, DATA);
        state.write(DATA, 4, 0xFFFFFFFF);
        run("0f0123");                                                   // smsw [ebx]
        assertEquals(0xFFFF0019, state.read(DATA, 4));
        vcpu.setCr0(0x80000019);
        run("0f01e1");                                                   // smsw ecx: all of CR0
        assertEquals(0x80000019, state.register(Register.ECX));
    }

    @Test
    void codeAndStackSelectorsCarryTheVirtualCplAsRpl() {
        vcpu.setPrivilegeLevel(0);
        run("8cc8");                                                     // mov eax, cs
        assertEquals(0x08, state.register(Register.EAX));
        state.setRegister(Register.EAX, DATA);
        run("8c10");                                                     // mov [eax], ss
        assertEquals(0x10, state.read(DATA, 2));
        vcpu.setPrivilegeLevel(3);
        state.setRegister(Register.CS, 0x1B);
        run("668ccb");                                                   // mov bx, cs
        assertEquals(0x1B, state.register(Register.BX));
    }

    @Test
    void pushCsAndSsPushTheGuestsSelector() {
        state.write(STACK_TOP - 4, 4, 0xFFFFFFFF);
        assertEquals(new Emulation.Resume(CODE + 1), run("0e"));         // push cs: 32-bit, zero-extended
        assertEquals(STACK_TOP - 4, state.register(Register.ESP));
        assertEquals(0x08, state.read(STACK_TOP - 4, 4));
        assertEquals(new Emulation.Resume(CODE + 2), run("6616"));       // push ss with a 16-bit operand
        assertEquals(STACK_TOP - 6, state.register(Register.ESP));
        assertEquals(0x10, state.read(STACK_TOP - 6, 2));
    }

    @Test
    void aWatchedAddressWithoutASiteEndsTheVm() {
        assertInstanceOf(Emulation.Exit.class, translator.onWatched(0x4444, state));
    }

    @Test
    void codeRewrittenAfterTheScanIsNotEmulatedBlindly() {
        byte[] sidt = HexFormat.of().parseHex("0f0108");
        translator.findSites(sidt, CODE);
        state.writeBytes(CODE, HexFormat.of().parseHex("0f0110"));     // now lgdt [eax]
        assertEquals(new Emulation.Retranslate(CODE), translator.onWatched(CODE, state),
                "the stale site is dropped and the new instruction runs as itself");
    }
}
