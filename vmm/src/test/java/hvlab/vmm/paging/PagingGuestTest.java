package hvlab.vmm.paging;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.TrapKind;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;
import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** The {@code paging} guest on shadow page tables: what the MMU promises, checked by the guest itself. */
class PagingGuestTest {
    static final String EXPECTED = """
            paging on
            alias: 12345678
            pte: 00300063 pde: 00202027
            large page: 0000CAFE pde: 008000E3
            after invlpg: 00001111
            page fault: cr2 40000000 error 00000002
            retried: 00000005
            page fault: cr2 40003000 error 00000003
            retried: 00000007
            page fault: cr2 40000000 error 00000005
            user pages: code 00301025 stack 00302027
            """;

    @ParameterizedTest
    @EnumSource(value = ExecutionMode.class, names = {"TRAP", "BT"})
    void theGuestSeesTheMmuItWouldSeeOnHardware(ExecutionMode mode) throws Exception {
        VmConfig config = VmConfig.of(GuestImages.resolve("paging")).withMode(mode).withMemory(16L << 20)
                .withTimeout(Duration.ofSeconds(20));
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        try (Vm vm = new Vm(config, serial::write)) {
            VmResult result = vm.run();
            assertEquals(EXPECTED, serial.toString(), result.exit().describe());
            assertInstanceOf(VmExit.Halt.class, result.exit());
            PagingCounters counters = vm.mmu().counters();
            assertEquals(3, counters.guestFaults(), "three faults were the guest's");
            assertTrue(counters.hiddenFaults() > 5, "the shadow filled itself by hidden faults: " + counters.byLabel());
            assertTrue(counters.invalidations() >= 4, counters.byLabel().toString());
            assertTrue(result.traps(TrapKind.SHADOW_PAGE_FAULT) > 0);
            assertNull(vm.vmmRegionProblem());
        }
    }
}
