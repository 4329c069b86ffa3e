package hvlab.benchmarks;

import hvlab.cpu.Register;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.TrapKind;
import hvlab.vmm.Vm;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.image.GuestImage;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark guests' header works as {@link BenchGuest} expects: the iteration count it patches
 * is the one the guest runs, and a guest out of step with its benchmark fails loudly. Small counts
 * only, and no timing: these check what is measured, not how fast.
 */
class BenchGuestTest {

    @Test
    void thePatchedCountIsTheOneTheParavirtualGuestRuns() {
        GuestImage image = BenchGuest.load(B04_HypercallVsTrap.PARAVIRT_GUEST, 10, B04_HypercallVsTrap.OPERATIONS_PER_ITERATION);
        try (Vm vm = BenchGuest.vm(image, ExecutionMode.PARAVIRT)) {
            VmResult result = BenchGuest.runToShutdown(vm);
            // 10 iterations of 16, plus the version probe and the shutdown.
            assertEquals(10 * 16 + 2, result.traps(TrapKind.HYPERCALL));
            assertEquals(0, result.traps(TrapKind.PRIVILEGED));
        }
    }

    @Test
    void outsideParavirtModeTheParavirtualGuestSaysSoAndMeasuresNothing() {
        GuestImage image = BenchGuest.load(B04_HypercallVsTrap.PARAVIRT_GUEST, 10, B04_HypercallVsTrap.OPERATIONS_PER_ITERATION);
        try (Vm vm = BenchGuest.vm(image, ExecutionMode.TRAP)) {
            VmResult result = vm.run();
            assertEquals(new VmExit.DebugExit(2), result.exit());
            assertEquals(1, result.traps(TrapKind.HYPERCALL));
        }
        try (Vm vm = BenchGuest.vm(image, ExecutionMode.BT)) {
            assertThrows(IllegalStateException.class, () -> BenchGuest.runToShutdown(vm));
        }
    }

    @Test
    void theSystemCallGuestMakesThePatchedCountOfCallsInBothModes() {
        GuestImage image = BenchGuest.load(B11_PrivilegeCrossing.GUEST, 10, B11_PrivilegeCrossing.CALLS_PER_ITERATION);
        for (ExecutionMode mode : new ExecutionMode[] {ExecutionMode.TRAP, ExecutionMode.BT}) {
            try (Vm vm = BenchGuest.vm(image, mode)) {
                VmResult result = BenchGuest.runToHalt(vm);
                // 160 calls and the final INT 0x81, each delivered through the IDT; 160 returns
                // plus the kernel's set-up (LGDT, MOV SS, LTR, LIDT, the first IRETD, CLI, HLT...).
                assertEquals(10 * 16 + 1, result.traps(TrapKind.INTERRUPT), mode.label());
                long returns = result.traps(TrapKind.PRIVILEGED) + result.traps(TrapKind.TRANSLATED);
                assertTrue(returns >= 10 * 16 && returns < 10 * 16 + 20, mode.label() + ": " + returns);
            }
        }
    }

    @Test
    void theTrapGuestRunsThePatchedCountToo() {
        GuestImage image = BenchGuest.load(B04_HypercallVsTrap.TRAP_GUEST, 10, B04_HypercallVsTrap.OPERATIONS_PER_ITERATION);
        try (Vm vm = BenchGuest.vm(image, ExecutionMode.TRAP)) {
            VmResult result = BenchGuest.runToHalt(vm);
            assertEquals(10 * 16 + 2, result.traps(TrapKind.PRIVILEGED));
        }
    }

    @Test
    void aGuestOutOfStepWithItsBenchmarkFailsLoudly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BenchGuest.load(B04_HypercallVsTrap.PARAVIRT_GUEST, 10, 8));
        assertTrue(e.getMessage().contains("16 operations per iteration"), e.getMessage());
    }

    @Test
    void theAluLoopNeedsNoTranslation() {
        GuestImage image = BenchGuest.load(B01_GuestMips.GUEST, 1000, B01_GuestMips.INSTRUCTIONS_PER_ITERATION);
        try (Vm vm = BenchGuest.vm(image, ExecutionMode.BT)) {
            VmResult result = BenchGuest.runToHalt(vm);
            assertEquals(0, result.translatedSites());
        }
    }

    @Test
    void theMemoryLoopEndsTheSameWhetherPreemptedOrNot() {
        GuestImage image = BenchGuest.load(B06_PreemptionOverhead.MEMORY_GUEST, 300_000, B06_PreemptionOverhead.MEMORY_INSTRUCTIONS_PER_ITERATION);
        try (BenchGuest.OnBareCpu straight = new BenchGuest.OnBareCpu(image);
             BenchGuest.OnBareCpu sliced = new BenchGuest.OnBareCpu(image)) {
            straight.runToHalt();
            sliced.cpu.armPreemption();
            assertTrue(sliced.runSlicedToHalt(Duration.ofNanos(100_000)) > 0, "some slices were cut short");
            for (Register r : new Register[] {Register.EAX, Register.ECX, Register.EDX, Register.ESI, Register.ESP}) {
                assertEquals(straight.cpu.read(r), sliced.cpu.read(r), r.name());
            }
            long table = BootLayout.GUEST_LOAD_ADDRESS + 0x1000;
            assertArrayEquals(straight.cpu.readMemory(table, 4096), sliced.cpu.readMemory(table, 4096), "the table");
        }
        try (Vm vm = BenchGuest.vm(image, ExecutionMode.TRAP)) {
            BenchGuest.runToHalt(vm);
        }
    }

    @Test
    void theSpinnerCountsItsChunksInRamAndOnItsConsole() {
        GuestImage image = BenchGuest.load(B07_ManyVms.GUEST, 1000, B07_ManyVms.INSTRUCTIONS_PER_ITERATION);
        B08_SliceSwitch.Spinning spinning = new B08_SliceSwitch.Spinning();
        spinning.boot();
        try {
            long before = spinning.instructionsDone();
            long ran = 0;
            for (int i = 0; i < 20; i++) {
                long slice = spinning.slice(B08_SliceSwitch.SHORT);
                assertTrue(slice >= 0, "the count never goes back");
                ran += slice;
            }
            assertEquals(spinning.instructionsDone() - before, ran);
            assertTrue(ran > 0, "the guest ran between the slices");
            long chunks = Integer.toUnsignedLong(spinning.vm.ram().read(spinning.counter, 4));
            long dots = spinning.vm.console().total();
            assertTrue(dots == chunks || dots == chunks - 1, dots + " dots for " + chunks + " chunks");
        } finally {
            spinning.close();
        }
        try (Vm vm = BenchGuest.vm(image, ExecutionMode.TRAP)) {
            vm.boot();
            for (int i = 0; i < 5; i++) {
                vm.runSlice(Duration.ofMillis(2));
            }
            long chunks = Integer.toUnsignedLong(vm.ram().read(BenchGuest.counterAddress(image), 4));
            assertTrue(chunks > 0, "a chunk of 10,000 instructions is done within 10 ms");
            assertEquals(".".repeat((int) vm.console().total()), vm.console().text());
        }
    }

    @Test
    void theSwitchCostIsSolvedFromShortAndLongSlices() {
        // The guest runs 2 instructions a nanosecond, a switch costs 10 us; 20 short slices of 70 us
        // of guest each, then one of 10 ms.
        double c = 10_000, rate = 2;
        double shortInstructions = 20 * 70_000 * rate, shortNanos = 20 * (70_000 + c);
        double longInstructions = 10_000_000 * rate, longNanos = 10_000_000 + c;
        assertEquals(c, B08_SliceSwitch.switchNanos(20, shortNanos, shortInstructions, longNanos, longInstructions), 1e-6);
    }

    @Test
    void manyVmsCountTheirWorkOnTheirConsoles() throws Exception {
        B07_ManyVms.Running running = new B07_ManyVms.Running();
        running.vms = 2;
        running.start();
        try {
            running.baseline();
            long first = running.credited;
            assertTrue(first >= 4, "each VM printed at least two chunks before the benchmark began");
            running.credited = first;
            new B07_ManyVms().aggregate(running);
            assertEquals(first + B07_ManyVms.CHUNKS_PER_INVOCATION, running.credited);
            running.check();
        } finally {
            running.stop();
        }
        assertFalse(java.nio.file.Files.exists(running.directory), "the temporary store is gone");
    }

    @Test
    void theScanBufferIsFullAndHoldsSensitiveInstructions() {
        byte[] code = B05_BinaryTranslation.builtInCode(B05_BinaryTranslation.CODE_KIB);
        assertEquals(B05_BinaryTranslation.CODE_KIB * 1024, code.length);
        B05_BinaryTranslation.Scan scan = new B05_BinaryTranslation.Scan();
        scan.open();
        try {
            assertTrue(scan.expectedSites > 0);
            scan.reset();
            assertEquals(scan.expectedSites, new B05_BinaryTranslation().scan(scan));
        } finally {
            scan.close();
        }
    }
}
