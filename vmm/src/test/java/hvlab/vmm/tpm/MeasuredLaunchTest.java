package hvlab.vmm.tpm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MeasuredLaunchTest {
    @Test
    void oneChangedClassChangesOneEventAndThePcr(@TempDir Path dir) throws Exception {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("hvlab/vmm"));
        Files.write(classes.resolve("hvlab/vmm/Vm.class"), new byte[] {1, 2, 3});
        Files.write(classes.resolve("hvlab/vmm/Other.class"), new byte[] {4});
        List<MeasuredLaunch.Measurement> before = MeasuredLaunch.measureCode(classes);
        Files.write(classes.resolve("hvlab/vmm/Vm.class"), new byte[] {1, 2, 4});
        List<MeasuredLaunch.Measurement> after = MeasuredLaunch.measureCode(classes);
        assertEquals(2, before.size());
        assertArrayEquals(before.get(0).digest(), after.get(0).digest(), "Other.class did not change");
        assertFalse(java.util.Arrays.equals(before.get(1).digest(), after.get(1).digest()));
        assertEquals("classes!hvlab/vmm/Vm.class", after.get(1).description());
    }

    @Test
    void theHostsCodeIsMeasuredIntoPcrZero() {
        Tpm tpm = Tpm.manufacture("h", Manufacturer.create("ca"), new MonotonicCounters());
        tpm.powerOn();
        MeasuredLaunch.measureHost(tpm, MeasuredLaunch.configuration("h", java.util.Map.of("PATH", "/bin")), MeasuredLaunch.DEFAULT_POLICY);
        assertFalse(java.util.Arrays.equals(new byte[32], tpm.pcrs().read(MeasuredLaunch.CODE)));
        assertTrue(tpm.log().stream().noneMatch(e -> e.description().startsWith("PATH")), "only the VMM's own settings count");
        assertEquals(-1, EventLog.firstMismatchingPcr(tpm.log(), tpm.pcrs().all(), MeasuredLaunch.HOST_SELECTION));
    }
}
