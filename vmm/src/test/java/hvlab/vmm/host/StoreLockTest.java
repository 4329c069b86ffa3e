package hvlab.vmm.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** One store, two hosts: both may look, only one may run its VMs, and the other may once it is closed. */
class StoreLockTest {
    @TempDir
    Path dir;

    @Test
    void onlyOneHostRunsTheVmsOfAStore() {
        Path store = dir.resolve("store");
        try (Host first = new Host("local", store, 1)) {
            first.create(VmSpec.of("a", "counter"));
            first.create(VmSpec.of("b", "counter"));
            first.act("a", PowerAction.START, "test");
            try (Host second = new Host("local", store, 1)) {
                assertEquals(2, second.list().size(), "looking is allowed");
                HostException refused = assertThrows(HostException.class, () -> second.act("b", PowerAction.START, "test"));
                assertTrue(refused.getMessage().contains("another hv process (pid " + ProcessHandle.current().pid() + ")"),
                        refused.getMessage());
                assertEquals("defined", second.info("b").state(), "nothing half started");
            }
            first.act("a", PowerAction.POWEROFF, "test");
        }
        try (Host third = new Host("local", store, 1)) {
            assertEquals("running", third.act("b", PowerAction.START, "test").state(), "the first host is closed: the store is free");
            third.act("b", PowerAction.POWEROFF, "test");
        }
    }
}
