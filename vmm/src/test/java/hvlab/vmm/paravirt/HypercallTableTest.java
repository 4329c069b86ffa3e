package hvlab.vmm.paravirt;

import hvlab.cpu.Register;
import hvlab.cpu.TableRegister;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.VmExit;
import hvlab.vmm.trap.Emulation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static hvlab.vmm.paravirt.Hypercall.*;
import static org.junit.jupiter.api.Assertions.*;

/** Each hypercall on a fake guest: what it answers in EAX, what it changes, and what it refuses. */
class HypercallTableTest {
    private static final int RAM = 64 * 1024;
    private static final long NEXT = 0x100002;

    private final VirtualCpu vcpu = new VirtualCpu();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final List<long[]> gdtLoads = new ArrayList<>();
    private long now;
    private HypercallTable table;
    private FakeGuest guest;

    @BeforeEach
    void setUp() {
        table = new HypercallTable(vcpu, RAM, (base, limit) -> gdtLoads.add(new long[]{base, limit}), console::write, () -> now);
        guest = new FakeGuest(RAM);
    }

    private Emulation call(Hypercall call, int... args) {
        return table.call(guest.call(call.number(), args), NEXT);
    }

    /** Calls, checks the guest goes on after the INT, and returns EAX. */
    private int result(Hypercall call, int... args) {
        assertEquals(new Emulation.Resume(NEXT), call(call, args));
        return guest.eax();
    }

    @Test
    void versionAnswersTheMagicAndUnknownNumbersAnswerEnosys() {
        assertEquals(Hypercalls.MAGIC, result(VERSION));
        assertEquals(new Emulation.Resume(NEXT), table.call(guest.call(0x7777), NEXT));
        assertEquals(-38, guest.eax());
        table.call(guest.call(-1), NEXT);
        assertEquals(-38, guest.eax());
    }

    @Test
    void disabledTableAnswersEnosysToEveryCallAndChangesNothing() {
        for (Hypercall call : Hypercall.values()) {
            Emulation outcome = HypercallTable.disabled().call(guest.call(call.number(), 0x1000, 1, 2), NEXT);
            assertEquals(new Emulation.Resume(NEXT), outcome);
            assertEquals(Hypercalls.ENOSYS, guest.eax(), call.label());
        }
        assertFalse(vcpu.interruptsEnabled());
    }

    @Test
    void consoleWriteSendsTheBytesAndAnswersHowMany() {
        guest.put(0x2000, "hi there".getBytes(StandardCharsets.US_ASCII));
        assertEquals(8, result(CONSOLE_WRITE, 0x2000, 8));
        assertEquals("hi there", console.toString(StandardCharsets.US_ASCII));
        assertEquals(0, result(CONSOLE_WRITE, 0x2000, 0));
    }

    @Test
    void aHugeConsoleWriteSendsOnePieceAndSaysHowMuch() {
        int ram = 4 * HypercallTable.CONSOLE_WRITE_MAX;
        HypercallTable big = new HypercallTable(vcpu, ram, (base, limit) -> { }, console::write, () -> now);
        FakeGuest bigGuest = new FakeGuest(ram);
        big.call(bigGuest.call(CONSOLE_WRITE.number(), 0, ram), NEXT);
        assertEquals(HypercallTable.CONSOLE_WRITE_MAX, bigGuest.eax(), "a short write, as write(2) may make");
        assertEquals(HypercallTable.CONSOLE_WRITE_MAX, console.size());
        big.call(bigGuest.call(CONSOLE_WRITE.number(), 16, ram), NEXT);
        assertEquals(Hypercalls.EFAULT, bigGuest.eax(), "the whole buffer is still checked first");
    }

    @Test
    void consoleWriteOutsideRamIsEfaultAndPrintsNothing() {
        assertEquals(Hypercalls.EFAULT, result(CONSOLE_WRITE, RAM - 4, 8));        // runs off the end
        assertEquals(Hypercalls.EFAULT, result(CONSOLE_WRITE, 0xFFF00000, 16));    // the VMM region
        assertEquals(Hypercalls.EFAULT, result(CONSOLE_WRITE, 0x10, 0xFFFFFFF0));  // length wraps the address space
        assertEquals(0, console.size());
    }

    @Test
    void interruptFlagCallsAnswerThePreviousValue() {
        assertEquals(0, result(GET_IF));
        assertEquals(0, result(SET_IF));
        assertTrue(vcpu.interruptsEnabled());
        assertEquals(1, result(SET_IF));
        assertEquals(1, result(GET_IF));
        assertEquals(1, result(CLEAR_IF));
        assertFalse(vcpu.interruptsEnabled());
        assertEquals(0, result(CLEAR_IF));
    }

    @Test
    void loadIdtReadsThePseudoDescriptor() {
        pseudoDescriptor(0x3000, 0x7FF, 0x4000);
        assertEquals(0, result(LOAD_IDT, 0x3000));
        assertEquals(TableRegister.Value.of(0x4000, 0x7FF), vcpu.idtr());
        assertTrue(vcpu.hasIdt());
    }

    @Test
    void loadGdtUpdatesTheVirtualCpuAndTellsTheListener() {
        pseudoDescriptor(0x3000, 5 * 8 - 1, 0x5000);
        assertEquals(0, result(LOAD_GDT, 0x3000));
        assertEquals(TableRegister.Value.of(0x5000, 39), vcpu.gdtr());
        assertTrue(vcpu.hasOwnGdt());
        assertEquals(1, gdtLoads.size());
        assertArrayEquals(new long[]{0x5000, 39}, gdtLoads.getFirst());
    }

    @Test
    void descriptorTablesOutsideRamAreRefusedAndNothingChanges() {
        TableRegister.Value idtBefore = vcpu.idtr();
        assertEquals(Hypercalls.EFAULT, result(LOAD_IDT, RAM - 3));                 // descriptor itself off the end
        pseudoDescriptor(0x3000, 0x7FF, RAM - 0x100);                                 // table off the end
        assertEquals(Hypercalls.EFAULT, result(LOAD_IDT, 0x3000));
        pseudoDescriptor(0x3000, 0xFFFF, 0xFFF00000);                                 // table on the VMM's GDT
        assertEquals(Hypercalls.EFAULT, result(LOAD_GDT, 0x3000));
        assertEquals(idtBefore, vcpu.idtr());
        assertFalse(vcpu.hasOwnGdt());
        assertTrue(gdtLoads.isEmpty());
    }

    @Test
    void gdtReachingTheVmmsOwnEntriesIsEinval() {
        HypercallTable big = new HypercallTable(vcpu, 1 << 20, (b, l) -> gdtLoads.add(new long[]{b, l}), b -> { }, () -> 0);
        FakeGuest large = new FakeGuest(1 << 20);
        large.write(0x3000, 2, 0xFFFF);   // all 8192 entries, the last two are the VMM's
        large.write(0x3002, 4, 0x10000);
        big.call(large.call(LOAD_GDT.number(), 0x3000), NEXT);
        assertEquals(Hypercalls.EINVAL, large.eax());
        assertTrue(gdtLoads.isEmpty());
    }

    @Test
    void controlRegistersReadBackWhatWasWritten() {
        assertEquals(VirtualCpu.CR0_RESET, result(READ_CR, 0));
        assertEquals(0, result(WRITE_CR, 3, 0x123000));
        assertEquals(0x123000, result(READ_CR, 3));
        assertEquals(0, result(WRITE_CR, 4, VirtualCpu.CR4_DE));
        assertEquals(VirtualCpu.CR4_DE, result(READ_CR, 4));
        assertEquals(0, result(WRITE_CR, 0, VirtualCpu.CR0_PE | VirtualCpu.CR0_TS));
        assertEquals(VirtualCpu.CR0_PE | VirtualCpu.CR0_TS | 0x10, result(READ_CR, 0), "ET is hard-wired");
    }

    @Test
    void controlRegisterWritesThisVmmCannotDoAreErrorsNotExits() {
        assertEquals(Hypercalls.EOPNOTSUPP, result(WRITE_CR, 0, VirtualCpu.CR0_RESET | VirtualCpu.CR0_PG));
        assertEquals(Hypercalls.EOPNOTSUPP, result(WRITE_CR, 0, 0));                 // real mode
        assertEquals(Hypercalls.EINVAL, result(WRITE_CR, 4, 1 << 20));               // reserved CR4 bit
        assertEquals(Hypercalls.EINVAL, result(WRITE_CR, 2, 0));                     // only CR0, CR3, CR4
        assertEquals(Hypercalls.EINVAL, result(READ_CR, 8));
        assertEquals(VirtualCpu.CR0_RESET, vcpu.cr0());
        assertEquals(0, vcpu.cr4());
    }

    @Test
    void getTimeAnswersVirtualNanosecondsInEdxEax() {
        now = 0x1_2345_6789L;
        assertEquals(0x2345_6789, result(GET_TIME));
        assertEquals(1, guest.register(Register.EDX));
    }

    @Test
    void yieldHaltsOnlyWhenAnInterruptCouldWakeTheGuest() {
        assertEquals(new Emulation.Resume(NEXT), call(YIELD));
        vcpu.setInterruptsEnabled(true);
        assertEquals(new Emulation.Halt(NEXT), call(YIELD));
        assertEquals(0, guest.eax());
    }

    @Test
    void shutdownEndsTheVmWithTheCodeAsTheDebugExitPortWould() {
        Emulation end = call(SHUTDOWN, 7);
        assertEquals(new Emulation.Exit(new VmExit.DebugExit(7)), end);
        assertEquals((7 << 1) | 1, ((Emulation.Exit) end).exit().status());
    }

    @ParameterizedTest
    @EnumSource(value = Hypercall.class, names = {"VERSION", "CONSOLE_WRITE", "YIELD"}, mode = EnumSource.Mode.EXCLUDE)
    void userTasksGetEpermForKernelOnlyCalls(Hypercall call) {
        vcpu.setPrivilegeLevel(3);
        guest.put(0x2000, new byte[]{1, 2, 3});
        Emulation outcome = table.call(guest.call(call.number(), 0x2000, 3, 0x3000), NEXT);
        assertEquals(new Emulation.Resume(NEXT), outcome, "no shutdown, no halt from user mode");
        assertEquals(Hypercalls.EPERM, guest.eax());
        assertFalse(call.allowedFromUser());
        assertFalse(vcpu.interruptsEnabled());
        assertEquals(0, guest.get(0x3000, 32)[0]);
    }

    @Test
    void userTasksMayProbePrintAndYield() {
        vcpu.setPrivilegeLevel(3);
        guest.put(0x2000, "ok".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Hypercalls.MAGIC, result(VERSION));
        assertEquals(2, result(CONSOLE_WRITE, 0x2000, 2));
        assertEquals(0, result(YIELD));
    }

    @Test
    void numbersAreUniqueAndTheTablePrintsEveryCall() {
        long distinct = Arrays.stream(Hypercall.values()).mapToInt(Hypercall::number).distinct().count();
        assertEquals(Hypercall.values().length, distinct);
        String printed = Hypercall.table();
        for (Hypercall call : Hypercall.values()) {
            assertTrue(printed.contains(call.label()), call.label());
            assertEquals(call, Hypercall.byNumber(call.number()).orElseThrow());
        }
    }

    private void pseudoDescriptor(int address, int limit, long base) {
        guest.write(address, 2, limit);
        guest.write(address + 2, 4, (int) base);
    }
}
