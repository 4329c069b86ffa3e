package hvlab.vmm.tpm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A vTPM sealed to another host's TPM with the JDK's own ECDH, HKDF and AES-GCM: its sealed
 * secrets, NV and counters come through; a blob that was changed, sealed to another TPM, meant for
 * another VM, or is garbage is refused in one line; an import key that is not the target's is
 * refused before anything is sealed.
 */
class VtpmTransferTest {
    @TempDir
    Path dir;

    final Manufacturer maker = Manufacturer.create("test maker");
    final Tpm h1 = Tpm.manufacture("host h1", maker, new MonotonicCounters());
    final Tpm h2 = Tpm.manufacture("host h2", maker, new MonotonicCounters());
    final Tpm h3 = Tpm.manufacture("host h3", maker, new MonotonicCounters());

    Tpm vtpm() {
        Tpm vtpm = Tpm.manufacture("vm c 1234", h1, new MonotonicCounters());
        vtpm.measure(4, "image", new byte[] {1, 2, 3}, "the image");
        vtpm.execute(new TpmCommand.NvWrite(1, new byte[] {42, 43}));
        for (int i = 0; i < 7; i++) vtpm.execute(new TpmCommand.CounterIncrement(0));
        return vtpm;
    }

    @Test
    void sealedSecretsNvAndCountersArriveAtTheTargetTpm() {
        Tpm vtpm = vtpm();
        byte[] secret = ((TpmResult.Data) vtpm.execute(new TpmCommand.Seal(1 << 4, "the VM's secret".getBytes()))).bytes();
        VtpmTransfer.Importer importer = VtpmTransfer.importKey(h2, "c");
        byte[] blob = VtpmTransfer.seal(vtpm, "1234", importer.offered(), "c", "h2");
        assertFalse(new String(blob, java.nio.charset.StandardCharsets.ISO_8859_1).contains("vm c 1234"), "nothing readable on the wire");

        MonotonicCounters counters = new MonotonicCounters(dir.resolve("counters.json"));
        VtpmTransfer.Arrived arrived = importer.open(blob, "c", counters);
        assertEquals("1234", arrived.owner());
        Tpm there = arrived.tpm();
        assertEquals("vm c 1234", there.name());
        assertArrayEquals(vtpm.endorsementKey().getEncoded(), there.endorsementKey().getEncoded(), "the same vTPM, not a new one");
        assertArrayEquals("the VM's secret".getBytes(), ((TpmResult.Data) there.unseal(secret)).bytes(), "a secret sealed on h1 unseals on h2");
        assertArrayEquals(new byte[] {42, 43}, ((TpmResult.Data) there.execute(new TpmCommand.NvRead(1))).bytes());
        assertEquals(7, there.counters().read(0));
        assertEquals(8, ((TpmResult.Counter) there.execute(new TpmCommand.CounterIncrement(0))).value(), "and it goes on counting");
        assertEquals(8, new MonotonicCounters(dir.resolve("counters.json")).read(0), "stored on the target");
    }

    @Test
    void aChangedBlobOrOneForAnotherTpmVmOrArrivalIsRefused() {
        Tpm vtpm = vtpm();
        VtpmTransfer.Importer h2Key = VtpmTransfer.importKey(h2, "c");
        VtpmTransfer.Importer h3Key = VtpmTransfer.importKey(h3, "c");
        byte[] blob = VtpmTransfer.seal(vtpm, "1234", h2Key.offered(), "c", "h2");

        for (int at : new int[] {0, 1, 10, blob.length / 2, blob.length - 1}) {
            byte[] changed = blob.clone();
            changed[at] ^= 0x20;
            assertRefused(() -> h2Key.open(changed, "c", new MonotonicCounters()));
        }
        String wrongHost = assertRefused(() -> h3Key.open(blob, "c", new MonotonicCounters()));
        assertTrue(wrongHost.contains("does not open with this host's TPM"), wrongHost);
        assertRefused(() -> h2Key.open(blob, "other", new MonotonicCounters()));
        assertRefused(() -> VtpmTransfer.importKey(h2, "c").open(blob, "c", new MonotonicCounters()));
        MonotonicCounters untouched = new MonotonicCounters();
        assertRefused(() -> h2Key.open(java.util.Arrays.copyOf(blob, 40), "c", untouched));
        assertEquals(Map.of(), untouched.all(), "a refused vTPM leaves the counters alone");

        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] garbage = new byte[random.nextInt(300)];
            random.nextBytes(garbage);
            if (i % 3 == 0 && garbage.length > 2) { // a plausible key length, then garbage
                garbage[0] = 0;
                garbage[1] = (byte) 91;
            }
            assertRefused(() -> h2Key.open(garbage, "c", new MonotonicCounters()));
        }
    }

    @Test
    void anImportKeyThatIsNotTheTargetTpmsIsRefusedBeforeAnythingIsSealed() {
        Tpm vtpm = vtpm();
        VtpmTransfer.ImportKey h3Key = VtpmTransfer.importKey(h3, "c").offered();
        String elsewhere = assertRefused(() -> VtpmTransfer.seal(vtpm, "1234", h3Key, "c", "h2"));
        assertTrue(elsewhere.contains("certified by TPM 'host h3', not by host h2's"), elsewhere);

        // h2's certificates around a key the attacker holds: the signature does not match
        VtpmTransfer.ImportKey real = VtpmTransfer.importKey(h2, "c").offered();
        byte[] attackers = Ecdsa.newKeyPair().getPublic().getEncoded();
        List<Certificate> chain = new ArrayList<>(real.chain());
        Certificate cert = chain.getFirst();
        chain.set(0, new Certificate(cert.subject(), cert.role(), attackers, cert.issuer(), cert.signature()));
        String swapped = assertRefused(() -> VtpmTransfer.seal(vtpm, "1234", new VtpmTransfer.ImportKey(attackers, chain), "c", "h2"));
        assertTrue(swapped.contains("do not verify"), swapped);

        // a key certified by an AK of another TPM that calls itself host h2
        Tpm impostor = Tpm.manufacture("host h2", Manufacturer.create("another maker"), new MonotonicCounters());
        VtpmTransfer.ImportKey fake = VtpmTransfer.importKey(impostor, "c").offered();
        List<Certificate> mixed = new ArrayList<>(fake.chain());
        mixed.set(1, real.chain().get(1)); // the real AK certificate under the impostor's import certificate
        assertTrue(assertRefused(() -> VtpmTransfer.seal(vtpm, "1234", new VtpmTransfer.ImportKey(fake.publicKey(), mixed), "c", "h2"))
                .contains("do not verify"));
        assertRefused(() -> VtpmTransfer.seal(vtpm, "1234", new VtpmTransfer.ImportKey(real.publicKey(), real.chain().subList(0, 1)), "c", "h2"));
        assertRefused(() -> VtpmTransfer.seal(vtpm, "1234", new VtpmTransfer.ImportKey(new byte[] {1, 2}, real.chain()), "c", "h2"));
    }

    private static String assertRefused(org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertNotNull(e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }
}
