package hvlab.vmm.host;

import hvlab.vmm.attestation.Freshness;
import hvlab.vmm.tpm.Ecdsa;
import hvlab.vmm.tpm.Quote;
import hvlab.vmm.tpm.Sha256;
import hvlab.vmm.tpm.VmLaunch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static hvlab.vmm.host.SnapshotTest.await;
import static org.junit.jupiter.api.Assertions.*;

/** The {@code measured} guest on a real host, under Unicorn: its quote, its sealed secret, its counter. */
class MeasuredGuestTest {
    @TempDir
    Path dir;
    Host host;

    @AfterEach
    void close() {
        if (host != null) host.close();
    }

    private String console() {
        return host.console("m", 0).text();
    }

    private String bootAndWaitFor(String text) throws InterruptedException {
        host.act("m", PowerAction.START, "test");
        await("'" + text + "'", 15_000, () -> console().contains(text));
        await("the first tick", 15_000, () -> console().contains("ick 1 ")); // "tick", or "Tick" in the changed image
        String out = console();
        host.act("m", PowerAction.POWEROFF, "test");
        return out;
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no '" + regex + "' in:\n" + text);
        return m.group(1);
    }

    @Test
    void theSecretOpensOnlyForTheUntouchedImage() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(VmSpec.of("m", "measured"));
        String first = bootAndWaitFor("sealed a new secret: ");
        String secret = group(first, "sealed a new secret: ([0-9A-F]{32})");

        String second = bootAndWaitFor("unsealed my secret: ");
        assertEquals(secret, group(second, "unsealed my secret: ([0-9A-F]{32})"), "the same secret, back from the vTPM");

        Path image = host.store().folder("m").resolve(VmStore.IMAGE);
        byte[] honest = Files.readAllBytes(image);
        String asText = new String(honest, StandardCharsets.ISO_8859_1);
        byte[] changed = honest.clone();
        changed[asText.indexOf("tick ")] = 'T'; // one byte of a message: the guest still runs
        Files.write(image, changed);
        String third = bootAndWaitFor("cannot unseal");
        assertTrue(third.contains("cannot unseal my secret: my image or configuration changed (status 4)"), third);
        assertFalse(third.contains(secret));

        Files.write(image, honest);
        assertEquals(secret, group(bootAndWaitFor("unsealed my secret: "), "unsealed my secret: ([0-9A-F]{32})"));
    }

    @Test
    void theGuestsQuoteVerifiesWithItsVtpmsAttestationKey() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(VmSpec.of("m", "measured"));
        host.act("m", PowerAction.START, "test");
        await("the quote and the line after it", 15_000, () -> console().contains("tick 1 "));
        String out = console();
        String nonce = group(out, "nonce: (\\S+)");
        byte[] digest = Sha256.unhex(group(out, "pcr digest ([0-9A-F]{64})"));
        byte[] signature = Sha256.unhex(group(out, "signature ([0-9A-F]+)"));
        Quote reference = host.attest("m", Freshness.challenge(), null).evidence().quote();
        int selection = VmLaunch.SELECTION | (1 << VmLaunch.GUEST);
        byte[] signed = Quote.signedBytes(reference.tpm(), selection, digest, nonce.getBytes(StandardCharsets.US_ASCII),
                reference.resetCount());
        assertTrue(Ecdsa.verify(reference.chain().getFirst().key(), signed, signature), "a quote the vTPM's AK signed");
        var pcrs = host.tpm("m").pcrs().stream().map(Sha256::unhex).toList();
        assertArrayEquals(hvlab.vmm.tpm.PcrBank.digestOf(selection, pcrs), digest, "over the PCRs as they are");
    }

    @Test
    void aRevertedGuestSeesTheCounterDidNotGoBack() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(VmSpec.of("m", "measured"));
        host.act("m", PowerAction.START, "test");
        await("tick 3", 15_000, () -> console().contains("tick 3 "));
        host.snapshot("m", "before", "test");
        await("tick 8", 15_000, () -> console().contains("tick 8 "));
        host.revert("m", "before", "test");
        Pattern whole = Pattern.compile("rollback detected: I remember counter \\d+, the vTPM says \\d+\n");
        await("the rollback noticed", 15_000, () -> whole.matcher(console()).find());
        String line = group(console(), "(rollback detected: [^\\n]*)");
        long remembered = Long.parseLong(group(line, "I remember counter (\\d+)"));
        long tpm = Long.parseLong(group(line, "the vTPM says (\\d+)"));
        assertTrue(tpm > remembered + 1, line);
    }
}
