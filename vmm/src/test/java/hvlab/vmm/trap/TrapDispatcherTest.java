package hvlab.vmm.trap;

import hvlab.cpu.Register;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapOutcome;
import hvlab.vmm.TrapKind;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The exit handler as a function from a trap to an outcome, fed made-up traps: no guest runs.
 * A real VM is booted (its devices, virtual CPU and RAM are what the dispatcher works on) and
 * stands at its first instruction; each test hands the dispatcher a trap the CPU could have raised
 * and checks the outcome and its effect on the machine. The CPU never runs, so nothing but the
 * dispatcher can have caused what is seen.
 */
class TrapDispatcherTest {
    /** Free RAM above the hello guest, where a test puts the instruction its made-up fault points at. */
    static final long SCRATCH = 0x200000;

    Vm vm;
    TrapDispatcher dispatcher;

    @BeforeEach
    void boot() throws Exception {
        vm = new Vm(VmConfig.of(GuestImages.resolve("hello")).withTimeout(Duration.ZERO), b -> { });
        vm.boot();
        dispatcher = vm.dispatcher();
        dispatcher.beginRun();
    }

    @AfterEach
    void close() {
        vm.close();
    }

    /** A #GP raised by the instruction {@code bytes}, put at SCRATCH, as a deprivileged guest kernel gets for it. */
    TrapOutcome privileged(int... bytes) {
        byte[] code = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) code[i] = (byte) bytes[i];
        vm.ram().writeBytes(SCRATCH, code);
        vm.cpu().write(Register.EIP, (int) SCRATCH);
        return dispatcher.onTrap(new Trap.Fault(13, 0, SCRATCH));
    }

    @Test
    void aByteToCom1GoesToTheConsoleAndTheGuestGoesOn() {
        TrapOutcome outcome = dispatcher.onTrap(new Trap.PortOut(0x3F8, 1, 'Z'));
        assertInstanceOf(TrapOutcome.Continue.class, outcome);
        assertTrue(vm.console().text().endsWith("Z"), vm.console().text());
        assertEquals(1L, vm.counters().get(TrapKind.IO));
    }

    @Test
    void aReadFromAPortNoDeviceClaimsFloatsHigh() {
        TrapOutcome outcome = dispatcher.onTrap(new Trap.PortIn(0x2E8, 1));
        assertEquals(0xFF, assertInstanceOf(TrapOutcome.ContinueWith.class, outcome).value() & 0xFF);
        assertEquals(1L, vm.counters().get(TrapKind.IO));
    }

    @Test
    void theDebugExitPortEndsTheVmAndLaterTrapsInTheSameRunChangeNothing() {
        TrapOutcome outcome = dispatcher.onTrap(new Trap.PortOut(0xF4, 1, 3));
        var stop = assertInstanceOf(TrapOutcome.Stop.class, outcome);
        assertEquals(new VmStop.End(new VmExit.DebugExit(3)), stop.reason());
        // The rest of the translated block still runs on the real CPU; what it traps is ignored.
        String before = vm.console().text();
        assertEquals(TrapOutcome.STOP, dispatcher.onTrap(new Trap.PortOut(0x3F8, 1, 'X')));
        assertEquals(before, vm.console().text());
    }

    @Test
    void cliIsEmulatedOnTheVirtualCpuAndTheGuestResumesAfterIt() {
        vm.virtualCpu().setInterruptsEnabled(true);
        TrapOutcome outcome = privileged(0xFA); // cli
        assertFalse(outcome instanceof TrapOutcome.Stop, outcome.toString());
        assertFalse(vm.virtualCpu().interruptsEnabled(), "the virtual IF is clear");
        assertEquals(SCRATCH + 1, Integer.toUnsignedLong(vm.cpu().read(Register.EIP)), "EIP past the one-byte CLI");
        assertEquals(1L, vm.counters().get(TrapKind.PRIVILEGED));
    }

    @Test
    void hltWithInterruptsOnWaitsForOneAndWithThemOffEndsTheVm() {
        vm.virtualCpu().setInterruptsEnabled(true);
        var waiting = assertInstanceOf(TrapOutcome.Stop.class, privileged(0xF4));
        assertInstanceOf(VmStop.WaitForInterrupt.class, waiting.reason());

        vm.virtualCpu().setInterruptsEnabled(false);
        var ended = assertInstanceOf(TrapOutcome.Stop.class, privileged(0xF4));
        assertInstanceOf(VmExit.Halt.class, assertInstanceOf(VmStop.End.class, ended.reason()).exit());
    }

    @Test
    void aFaultWhoseHandlerCannotBeReachedBecomesTheVmsEndWithItsReason() {
        // The guest has not loaded an IDT yet: a #DE has nowhere to go. (A real CPU would go on
        // to #DF and shut down; the VMM ends the VM and says why.)
        vm.cpu().write(Register.EIP, (int) SCRATCH);
        var stop = assertInstanceOf(TrapOutcome.Stop.class, dispatcher.onTrap(new Trap.Fault(0, 0, SCRATCH)));
        VmExit exit = assertInstanceOf(VmStop.End.class, stop.reason()).exit();
        assertEquals(new VmExit.Fault(0, SCRATCH, "the guest has no IDT to handle it"), exit);
    }
}
