package hvlab.vmm.paging;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.image.GuestImages;
import hvlab.vmm.state.VmState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A paging guest saved in the middle of its run and taken up by another VM goes on as if nothing
 * happened: the shadows and aliases are the VMM's cache, rebuilt from the guest's own tables.
 */
class PagingSnapshotTest {

    @Test
    void aPagingGuestMovedBetweenSlicesFinishesWithTheSameOutput() throws Exception {
        VmConfig config = VmConfig.of(GuestImages.resolve("paging")).withMode(ExecutionMode.TRAP).withMemory(16L << 20)
                .withTimeout(Duration.ofSeconds(20));
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        Vm vm = new Vm(config, serial::write);
        vm.boot();
        int moves = 0;
        try {
            for (int slice = 0; slice < 10_000; slice++) {
                SliceResult result = vm.runSlice(Duration.ofNanos(50_000));
                if (result instanceof SliceResult.Ended ended) {
                    assertInstanceOf(VmExit.Halt.class, ended.exit(), ended.exit().describe());
                    break;
                }
                if (slice % 3 == 0) {
                    VmState state = vm.save();
                    Vm next = new Vm(config, serial::write);
                    next.restore(state);
                    vm.close();
                    vm = next;
                    moves++;
                }
            }
        } finally {
            vm.close();
        }
        assertEquals(PagingGuestTest.EXPECTED, serial.toString());
        assertTrue(moves > 0, "moved at least once");
    }
}
