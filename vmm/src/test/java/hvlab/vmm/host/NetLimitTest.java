package hvlab.vmm.host;

import hvlab.vmm.devices.NicOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static hvlab.vmm.host.SnapshotTest.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Per-VM network limits ({@code net limit}): a ping guest held to one frame a second loses its
 * quick requests to the policer and still gets its replies; the limits are kept in the store and
 * a running VM's card takes new ones at once.
 */
class NetLimitTest {
    @TempDir
    Path dir;
    Host host;

    @BeforeEach
    void open() {
        host = new Host("local", dir.resolve("store"), 2);
        host.network().create("lan");
    }

    @AfterEach
    void close() {
        host.close();
    }

    private void define(String vm, String guest) {
        host.create(new VmSpec(vm, guest, "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
    }

    private NetworkControl.Port port(String vm) {
        return host.network().show("lan").ports().stream().filter(p -> p.vm().equals(vm)).findFirst().orElseThrow();
    }

    @Test
    void aPingHeldToOneFrameASecondIsPolicedAndStillAnswered() throws Exception {
        define("echo", "net-echo");
        define("ping", "net-ping");
        NetworkControl.VmLimits before = host.network().limits("ping");
        assertFalse(before.own());
        assertEquals(HostNetwork.LIMITS, before.limits());
        NicOptions.Limits one = new NicOptions.Limits(1, 0, 1, 0);
        assertEquals(one, host.network().limit("ping", one, "test"));
        host.act("echo", PowerAction.START, "test");
        await("the echo to listen", 10_000, () -> host.console("echo", 0).text().contains("my MAC"));
        host.act("ping", PowerAction.START, "test");
        await("three replies", 30_000, () -> host.console("ping", 0).text().contains("3 replies"));
        // one request every 0.2 s after a reply, and a resend after 0.5 s unanswered: at one frame a
        // second the policer must have dropped some of them
        assertTrue(port("ping").policed() > 0, port("ping").toString());
        assertEquals(0, port("echo").policed(), "the echo is policed at the host's default");
        assertTrue(host.history("ping").stream().anyMatch(l -> l.contains("net-limit")), host.history("ping").toString());
        try (Host again = reopen()) {
            NetworkControl.VmLimits kept = again.network().limits("ping");
            assertTrue(kept.own());
            assertEquals(one, kept.limits());
            assertEquals(HostNetwork.LIMITS, again.network().limit("ping", null, "test"), "back to the default");
            assertFalse(again.network().limits("ping").own());
            again.network().limit("ping", one, "test");
            again.act("ping", PowerAction.UNDEFINE, "test");
            again.create(new VmSpec("ping", "net-ping", "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
            assertFalse(again.network().limits("ping").own(), "a new VM of an old name starts at the default");
        }
    }

    @Test
    void aRunningVmTakesNewLimitsAtOnce() throws Exception {
        define("echo", "net-echo");
        host.act("echo", PowerAction.START, "test");
        await("the echo to listen", 10_000, () -> host.console("echo", 0).text().contains("my MAC"));
        NicOptions.Limits one = new NicOptions.Limits(1, 0, 1, 0);
        host.network().limit("echo", one, "test");
        await("the running card to take the limits", 10_000,
                () -> one.equals(host.locked(() -> host.managed("echo").vm.platform().nic().limits())));
        define("ping", "net-ping");
        host.act("ping", PowerAction.START, "test");
        await("three replies", 30_000, () -> host.console("ping", 0).text().contains("3 replies"));
        // requests come 0.2 s apart: at one frame a second some of the echo's replies are dropped
        assertTrue(port("echo").policed() > 0, "the echo's replies are policed: " + port("echo"));
    }

    @Test
    void mistakesAreOneLine() {
        HostException e = assertThrows(HostException.class, () -> host.network().limit("nobody", NicOptions.Limits.UNLIMITED, "test"));
        assertTrue(e.getMessage().contains("nobody"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NicOptions.Limits(-1, 0, 0, 0));
    }

    private Host reopen() {
        host.close();
        Host again = new Host("local", dir.resolve("store"), 1);
        host = new Host("local", dir.resolve("other"), 1); // for close() in @AfterEach
        return again;
    }
}
