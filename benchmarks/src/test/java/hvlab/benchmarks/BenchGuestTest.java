package hvlab.benchmarks;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.TrapKind;
import hvlab.vmm.Vm;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;
import hvlab.vmm.image.GuestImage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
