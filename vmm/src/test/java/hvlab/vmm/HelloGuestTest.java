package hvlab.vmm;

import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Boots the built-in hello guest on the real Unicorn CPU. */
class HelloGuestTest {
    @Test
    void helloPrintsItsGreetingAndItsRealPrivilegeLevel() throws Exception {
        StringBuilder live = new StringBuilder();
        try (Vm vm = new Vm(VmConfig.of(GuestImages.resolve("hello")), b -> live.append((char) b))) {
            VmResult result = vm.run();
            assertEquals("Hello from a deprivileged guest kernel!\nCPL=3\n", result.serial());
            assertEquals(result.serial(), live.toString());
            assertInstanceOf(VmExit.Halt.class, result.exit());
            assertEquals(0, result.exit().status());
            assertEquals(2, result.traps(TrapKind.PRIVILEGED), "cli and hlt");
            assertTrue(result.traps(TrapKind.IO) > 40);
        }
    }
}
