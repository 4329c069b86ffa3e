package hvlab.vmm.tpm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TpmTest {
    private static final Manufacturer MAKER = Manufacturer.create("test CA");

    private static Tpm newTpm() {
        Tpm tpm = Tpm.manufacture("t1", MAKER, new MonotonicCounters());
        tpm.powerOn();
        return tpm;
    }

    private static byte[] digest(String text) {
        return Sha256.of(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void extendIsShaOfOldValueAndDigest() {
        PcrBank bank = new PcrBank();
        byte[] d = digest("kernel");
        bank.extend(4, d);
        assertArrayEquals(Sha256.of(new byte[32], d), bank.read(4));
        bank.extend(4, d);
        assertArrayEquals(Sha256.of(Sha256.of(new byte[32], d), d), bank.read(4), "the order and number of extends count");
    }

    @Test
    void resetRulesFollowTpm2() {
        PcrBank bank = new PcrBank();
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xFF);
        assertArrayEquals(ones, bank.read(17), "17-22 start at all ones: no dynamic launch yet");
        bank.dynamicLaunch();
        assertArrayEquals(new byte[32], bank.read(17));
        for (int i = 0; i < 16; i++) {
            bank.extend(i, digest("x"));
            assertFalse(bank.reset(i), "PCR " + i + " resets only with the platform");
        }
        assertFalse(bank.reset(20));
        bank.extend(16, digest("debug"));
        assertTrue(bank.reset(16));
        assertArrayEquals(new byte[32], bank.read(16));
        assertTrue(bank.reset(23));
        assertThrows(IllegalArgumentException.class, () -> bank.extend(24, digest("x")));
        assertThrows(IllegalArgumentException.class, () -> bank.extend(0, new byte[5]));
    }

    @Test
    void replayingTheLogGivesThePcrs() {
        Tpm tpm = newTpm();
        tpm.measure(0, TpmEvent.VMM_CODE, "code".getBytes(), "vmm.jar");
        tpm.measure(1, TpmEvent.VMM_CONFIG, "config".getBytes(), "flags");
        tpm.measure(0, TpmEvent.SEPARATOR, new byte[4], "");
        assertEquals(-1, EventLog.firstMismatchingPcr(tpm.log(), tpm.pcrs().all(), 0xFFFFFF));
        List<TpmEvent> edited = new java.util.ArrayList<>(tpm.log());
        edited.set(1, new TpmEvent(1, TpmEvent.VMM_CONFIG, Sha256.hex(digest("other")), "flags"));
        assertEquals(1, EventLog.firstMismatchingPcr(edited, tpm.pcrs().all(), 0xFFFFFF));
    }

    @Test
    void quoteIsSignedByTheAkWhoseCertificateLeadsToTheManufacturer() {
        Tpm tpm = newTpm();
        tpm.measure(2, TpmEvent.GUEST_IMAGE, "image".getBytes(), "image");
        Quote quote = tpm.quote(0b111, "nonce-1".getBytes());
        assertArrayEquals(tpm.pcrs().selectionDigest(0b111), quote.pcrDigest());
        Certificate ak = quote.chain().get(0);
        Certificate ek = quote.chain().get(1);
        assertTrue(Ecdsa.verify(ak.key(), quote.signedBytes(), quote.signature()));
        assertTrue(ak.signedBy(ek.key()));
        assertTrue(ek.signedBy(MAKER.publicKey()));
        assertFalse(Ecdsa.verify(ak.key(), Quote.signedBytes("t1", 0b111, quote.pcrDigest(), "nonce-2".getBytes(), 1),
                quote.signature()), "the nonce is signed");
    }

    @Test
    void sealedDataComesBackOnlyWhileThePcrsAreUnchanged() {
        Tpm tpm = newTpm();
        tpm.measure(8, TpmEvent.GUEST_IMAGE, "good image".getBytes(), "image");
        byte[] blob = tpm.seal(1 << 8, "secret".getBytes()).toBytes();
        assertArrayEquals("secret".getBytes(), ((TpmResult.Data) tpm.unseal(blob)).bytes());

        byte[] changed = blob.clone();
        changed[changed.length - 1] ^= 1;
        assertEquals(TpmResponse.INTEGRITY, ((TpmResult.Failed) tpm.unseal(changed)).response());
        Tpm other = newTpm(); // fresh, like this one was: the policy would hold, only the storage key differs
        assertEquals(TpmResponse.INTEGRITY, ((TpmResult.Failed) newTpm().unseal(other.seal(1, "x".getBytes()).toBytes())).response(),
                "a blob of another TPM does not open");

        tpm.measure(8, TpmEvent.GUEST_EXTEND, "something else ran".getBytes(), "");
        assertEquals(TpmResponse.POLICY_FAIL, ((TpmResult.Failed) tpm.unseal(blob)).response());
    }

    @Test
    void countersNeverGoDownAndSurviveInTheirFile(@TempDir Path dir) {
        Path file = dir.resolve("counters.json");
        MonotonicCounters counters = new MonotonicCounters(file);
        assertEquals(0, counters.read(3));
        assertEquals(1, counters.increment(3));
        assertEquals(2, counters.increment(3));
        assertEquals(2, new MonotonicCounters(file).read(3));
    }

    @Test
    void stateKeepsPrivateKeysWrapped(@TempDir Path dir) throws Exception {
        Tpm tpm = newTpm();
        tpm.measure(0, TpmEvent.VMM_CODE, "code".getBytes(), "code");
        tpm.execute(new TpmCommand.NvWrite(1, "kept".getBytes()));
        var wrapping = KeyWrap.newAesKey();
        Path file = dir.resolve("tpm.json");
        Installation.write(file, tpm.state(wrapping));
        String json = Files.readString(file);
        for (byte[] secret : List.of(keysOf(tpm).endorsement().getPrivate().getEncoded(),
                keysOf(tpm).attestation().getPrivate().getEncoded(), keysOf(tpm).storageRoot().getEncoded())) {
            assertFalse(json.contains(java.util.Base64.getEncoder().encodeToString(secret)), "a private key in the clear");
        }
        Tpm back = Tpm.fromState(Installation.read(file), wrapping, new MonotonicCounters());
        assertArrayEquals(tpm.pcrs().read(0), back.pcrs().read(0));
        assertEquals(tpm.endorsementKey(), back.endorsementKey());
        assertArrayEquals("kept".getBytes(), ((TpmResult.Data) back.execute(new TpmCommand.NvRead(1))).bytes());
        assertThrows(IllegalArgumentException.class, () -> Tpm.fromState(Installation.read(file), KeyWrap.newAesKey(), new MonotonicCounters()));
    }

    private static TpmKeys keysOf(Tpm tpm) throws Exception {
        var field = Tpm.class.getDeclaredField("keys");
        field.setAccessible(true);
        return (TpmKeys) field.get(tpm);
    }

    @Test
    void badCommandsAreRefusedWithAReason() {
        Tpm tpm = newTpm();
        assertEquals(TpmResponse.BAD_PCR, failed(tpm.execute(new TpmCommand.Extend(99, new byte[32]))));
        assertEquals(TpmResponse.BAD_PCR, failed(tpm.execute(new TpmCommand.PcrRead(-1))));
        assertEquals(TpmResponse.BAD_PCR, failed(tpm.execute(new TpmCommand.PcrReset(0))));
        assertEquals(TpmResponse.BAD_SIZE, failed(tpm.execute(new TpmCommand.Extend(0, new byte[3]))));
        assertEquals(TpmResponse.BAD_SIZE, failed(tpm.execute(new TpmCommand.MakeQuote(1, new byte[0]))));
        assertEquals(TpmResponse.BAD_SIZE, failed(tpm.execute(new TpmCommand.GetRandom(100_000))));
        assertEquals(TpmResponse.NV_UNDEFINED, failed(tpm.execute(new TpmCommand.NvRead(7))));
        assertEquals(TpmResponse.INTEGRITY, failed(tpm.execute(new TpmCommand.Unseal(new byte[3]))));
        assertEquals(16, ((TpmResult.Data) tpm.execute(new TpmCommand.GetRandom(16))).bytes().length);
    }

    private static TpmResponse failed(TpmResult result) {
        return ((TpmResult.Failed) result).response();
    }

    @Test
    void installationKeepsOneManufacturerAndHostIdentity(@TempDir Path store) {
        Installation installation = Installation.open(store);
        Tpm first = installation.hostTpm("local");
        Tpm again = Installation.open(store).hostTpm("local");
        assertEquals(first.endorsementKey(), again.endorsementKey());
        assertEquals(first.resetCount() + 1, again.resetCount(), "each opening is a power-on");
        assertEquals(installation.manufacturer().publicKey(), Installation.open(store).manufacturer().publicKey());
    }

    @Test
    void aVtpmIsCertifiedByItsHostTpm() {
        Tpm host = newTpm();
        Tpm vtpm = Tpm.manufacture("vm web", host, new MonotonicCounters());
        List<Certificate> chain = vtpm.quote(1, "n".getBytes()).chain();
        assertEquals(4, chain.size(), "vTPM AK, vTPM EK, host AK, host EK");
        for (int i = 0; i + 1 < chain.size(); i++) {
            assertTrue(chain.get(i).signedBy(chain.get(i + 1).key()));
        }
        assertTrue(chain.getLast().signedBy(MAKER.publicKey()));
        assertNotEquals(vtpm.endorsementKey(), vtpm.withNewIdentity("vm web2", host).endorsementKey());
    }
}
