package hvlab.vmmm.migration;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmm.tpm.Manufacturer;
import hvlab.vmm.tpm.MonotonicCounters;
import hvlab.vmm.tpm.Tpm;
import hvlab.vmm.tpm.VtpmTransfer;
import hvlab.vmmm.FrameRelay;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Message.VtpmKey;
import hvlab.vmmm.protocol.MigrationLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static hvlab.vmmm.Waits.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The vTPM travels with its VM, sealed to the target TPM's key: the real {@code measured} guest
 * seals a secret and counts on a monotonic counter on h1; after a live migration it counts on at h2
 * without seeing a rollback, and booted again on h2 it unseals the secret it sealed on h1. A vTPM
 * changed on the wire, or sealed to a key that is not the target TPM's, is refused, and the VM runs
 * on at h1.
 */
class VtpmMigrationTest {
    @TempDir
    Path dir;
    EmbeddedDatacenter dc;

    @BeforeEach
    void start() throws Exception {
        dc = EmbeddedDatacenter.start(dir, 2, 1, true);
    }

    @AfterEach
    void stop() {
        dc.close();
    }

    @Test
    void aSecretSealedOnH1UnsealsOnH2AndTheCountersGoOn() throws Exception {
        Host h1 = dc.host("h1");
        Host h2 = dc.host("h2");
        h1.create(VmSpec.of("m", "measured"));
        h1.act("m", PowerAction.START, "test");
        await(() -> h1.console("m", 0).text().contains("tick 2"));
        String secret = line(h1.console("m", 0).text(), "sealed a new secret: ");

        String report = dc.manager().migrate("m", "h1", "h2", false, MigrationLimits.DEFAULT, p -> { });
        assertEquals("host h2", Json.MAPPER.readTree(report).get("vtpm").asText(), report);
        assertTrue(Migrations.describe(Json.MAPPER.readValue(report, MigrationReport.class)).endsWith("; its vTPM sealed to the TPM of host h2"));
        assertFalse(h1.hasVm("m"));
        int ticks = count(h2.console("m", 0).text(), "tick ");
        await(() -> count(h2.console("m", 0).text(), "tick ") >= ticks + 3);
        String after = h2.console("m", 0).text();
        assertFalse(after.contains("rollback detected"), "the monotonic counter came along, so no rollback is seen:\n" + after);
        String history = String.join("\n", h2.history("m"));
        assertTrue(history.contains("\"vtpm-migrated\"") && !history.contains("vtpm-replaced"), history);

        h2.act("m", PowerAction.POWEROFF, "test");
        h2.act("m", PowerAction.START, "test"); // a fresh boot: the guest unseals what it sealed on h1
        await(() -> h2.console("m", 0).text().contains("unsealed my secret: "));
        assertEquals(secret, line(h2.console("m", 0).text(), "unsealed my secret: "), "the same secret, unsealed by the same vTPM on h2");
    }

    @Test
    void aVtpmChangedOnTheWireIsRefusedAndTheVmRunsOnAtTheSource() throws Exception {
        Host h1 = dc.host("h1");
        h1.create(VmSpec.of("m", "measured"));
        h1.act("m", PowerAction.START, "test");
        await(() -> h1.console("m", 0).text().contains("tick 1"));
        // plaintext, so that the attacker sees the frames; the vTPM is sealed all the same
        try (FrameRelay relay = new FrameRelay(dc.server("h2").insecureAddress(), 19, payload -> {
            byte[] changed = payload.clone();
            changed[changed.length / 2] ^= 0x01;
            return changed;
        })) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> dc.manager().migrate("m", "h1", "h2", true, MigrationLimits.DEFAULT, p -> { }, relay.address()));
            assertEquals(1, relay.rewritten());
            assertTrue(e.getMessage().contains("refused the vTPM of 'm'") && e.getMessage().contains("runs on on h1"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
        assertSourceRunsOn(h1);
    }

    @Test
    void anImportKeyThatIsNotTheTargetTpmsIsRefusedBeforeAPageIsSent() throws Exception {
        Host h1 = dc.host("h1");
        h1.create(VmSpec.of("m", "measured"));
        h1.act("m", PowerAction.START, "test");
        await(() -> h1.console("m", 0).text().contains("tick 1"));
        // the attacker answers with a key of a TPM of his own that calls itself h3's
        Tpm his = Tpm.manufacture("host h3", Manufacturer.create("the attacker"), new MonotonicCounters());
        byte[] wrongKey = Codec.encode(new VtpmKey(Json.MAPPER.writeValueAsBytes(VtpmTransfer.importKey(his, "m").offered())));
        try (FrameRelay relay = new FrameRelay(dc.server("h2").insecureAddress(), 18, payload -> wrongKey)) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> dc.manager().migrate("m", "h1", "h2", true, MigrationLimits.DEFAULT, p -> { }, relay.address()));
            assertTrue(e.getMessage().contains("certified by TPM 'host h3', not by host h2's"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
        assertSourceRunsOn(h1);
    }

    private void assertSourceRunsOn(Host h1) throws Exception {
        assertEquals("running", h1.info("m").state());
        await(() -> !dc.host("h2").hasVm("m"));
        int ticks = count(h1.console("m", 0).text(), "tick ");
        await(() -> count(h1.console("m", 0).text(), "tick ") >= ticks + 2);
        assertFalse(h1.console("m", 0).text().contains("rollback detected"));
        assertTrue(String.join("\n", h1.history("m")).contains("migration-failed"));
    }

    private static String line(String console, String prefix) {
        return Arrays.stream(console.split("\n")).filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> l.substring(prefix.length()).trim()).orElseThrow(() -> new AssertionError("no '" + prefix + "' in\n" + console));
    }

    private static int count(String console, String prefix) {
        return (int) console.lines().filter(l -> l.startsWith(prefix)).count();
    }
}
