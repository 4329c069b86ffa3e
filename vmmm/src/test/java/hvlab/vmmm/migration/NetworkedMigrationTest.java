package hvlab.vmmm.migration;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmm.image.GuestImages;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.protocol.MigrationLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static hvlab.vmmm.Waits.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A VM on a private network moves live to another host while another VM pings it: the datacenter's
 * switches are joined by tunnels, the moved VM keeps its MAC address, the target announces it,
 * and the pings go on (paper IV.D.1; issue: "keeps its MAC address and connectivity").
 */
class NetworkedMigrationTest {
    @TempDir
    Path dir;
    EmbeddedDatacenter dc;

    @BeforeEach
    void start() throws Exception {
        dc = EmbeddedDatacenter.start(dir, 2, 1, false);
    }

    @AfterEach
    void stop() {
        dc.close();
    }

    /** net-ping with 200 requests 5 ticks (50 ms) apart, each reply printed. */
    private Path longPing() throws Exception {
        byte[] code = GuestImages.resolve("net-ping").code().clone();
        ByteBuffer header = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(8, 200);
        header.putInt(16, 5);
        return Files.write(dir.resolve("long-ping.bin"), code);
    }

    @Test
    void theEchoMovesToTheOtherHostAndThePingsGoOn() throws Exception {
        Host h1 = dc.host("h1");
        Host h2 = dc.host("h2");
        h1.network().create("lan");
        h2.network().create("lan");
        assertEquals(1, h1.network().tunnels().size(), "the datacenter joined the two switches");
        h2.create(new VmSpec("echo", "net-echo", "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
        h2.act("echo", PowerAction.START, "test");
        h1.create(new VmSpec("ping", longPing().toString(), "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null, false, "lan"));
        h1.act("ping", PowerAction.START, "test");
        await(() -> h1.console("ping", 0).text().contains("seq 10,"));
        String mac = h2.info("echo").mac();

        dc.manager().migrate("echo", "h2", "h1", false, MigrationLimits.DEFAULT, p -> { });

        assertFalse(h2.hasVm("echo"));
        assertEquals(mac, h1.info("echo").mac(), "the same card, the same address");
        await(() -> h1.console("ping", 0).text().contains("200 replies"));
        String ping = h1.console("ping", 0).text();
        for (int seq = 1; seq <= 200; seq++) {
            assertTrue(ping.contains("seq " + seq + ","), "reply " + seq + " came (a lost request is sent again):\n" + ping);
        }
        assertEquals("echo", h1.network().show("lan").macTable().get(mac), "h1's switch learnt the echo is local now");
    }
}
