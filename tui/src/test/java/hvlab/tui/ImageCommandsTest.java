package hvlab.tui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.tui.language.Interpreter;
import hvlab.tui.language.Outcome;
import hvlab.tui.language.Place;
import hvlab.tui.language.Secrets;
import hvlab.tui.language.Session;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.VmHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code image export}, {@code import} and {@code inspect} as the language runs them, on real
 * hosts over real stores: a typist is typed a password, exported, inspected (the password shows),
 * exported encrypted (it does not), imported elsewhere, and it resumes where it was.
 */
class ImageCommandsTest {
    @TempDir
    Path dir;
    final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void close() {
        hosts.forEach(Host::close);
    }

    Interpreter on(String store) {
        Host host = new Host("local", dir.resolve(store), 1);
        hosts.add(host);
        return new Interpreter(host, Place.SCRIPT);
    }

    static Session with(String passphrase) {
        return new Session("test", text -> { }, () -> false, (what, confirm) -> passphrase == null ? null : passphrase.toCharArray());
    }

    static Outcome ok(Interpreter language, String line, Session session) {
        Outcome outcome = language.execute(line, session);
        assertTrue(outcome.ok(), line + ": " + outcome.error());
        return outcome;
    }

    static Outcome ok(Interpreter language, String line) {
        return ok(language, line, with(null));
    }

    @Test
    void exportInspectImportAndResume() throws Exception {
        Interpreter source = on("source");
        ok(source, "vm create t --guest typist --mem 4M");
        ok(source, "vm start t");
        ok(source, "wait t --console \"> \" --timeout 10s");
        ok(source, "vm send t pass hunter2");
        ok(source, "wait t --console \"pass hunter2\" --timeout 10s");

        Path plain = dir.resolve("t.ova");
        String exported = ok(source, "image export t " + plain).text();
        assertTrue(exported.startsWith("exported t (running) to " + plain), exported);
        assertTrue(exported.contains("NOT encrypted") && exported.contains("signed by SHA256:"), exported);
        assertTrue(String.join("\n", VmHistory.lines(dir.resolve("source/vms/t"))).contains("\"export\""), "the export is in the VM's history");

        String seen = ok(source, "image inspect " + plain).text();
        assertTrue(seen.contains("pass hunter2"), seen);
        assertTrue(seen.contains("signature: verifies, signed by SHA256:") && seen.contains("(this store's key)"), seen);
        assertTrue(seen.contains("state when exported: running"), seen);

        Outcome noPassphrase = source.execute("image export t " + dir.resolve("x.ova") + " --encrypt", with(null));
        assertEquals(ExitStatus.USAGE, noPassphrase.status());
        assertTrue(noPassphrase.error().contains("HVLAB_PASSPHRASE"), noPassphrase.error());
        Path sealed = dir.resolve("t-sealed.ova");
        assertTrue(ok(source, "image export t " + sealed + " --encrypt", with("swordfish")).text().contains(", encrypted,"));
        String sealedSeen = ok(source, "image inspect " + sealed).text();
        assertFalse(sealedSeen.contains("hunter2"), sealedSeen);
        assertTrue(sealedSeen.contains("cannot be read without the passphrase"), sealedSeen);
        assertTrue(sealedSeen.contains("identity: uuid "), "the descriptor is not encrypted: " + sealedSeen);
        Outcome exists = source.execute("image export t " + plain, with(null));
        assertEquals(ExitStatus.BAD_INPUT, exists.status());

        Interpreter target = on("target");
        JsonNode imported = new ObjectMapper().readTree(ok(target, "image import " + plain + " --as t2 --json").text());
        assertEquals("t2", imported.get("vm").get("name").asText());
        assertEquals("running", imported.get("exportedWhile").asText());
        assertFalse(imported.get("trusted").asBoolean(), "signed by another store's key");
        Outcome wrong = target.execute("image import " + sealed + " --as t3", with("password"));
        assertEquals(ExitStatus.BAD_INPUT, wrong.status());
        assertEquals(sealed + ": wrong passphrase: it does not unlock this image's key", wrong.error());
        ok(target, "image import " + sealed + " --as t3", with("swordfish"));

        ok(target, "vm start t2");
        ok(target, "vm send t2 quit");
        ok(target, "wait t2 --console \"typist: bye\" --timeout 10s");
        String console = ok(target, "vm console t2").text();
        assertEquals(1, console.split("typist: type a line", -1).length - 1, "it resumed, it did not boot again:\n" + console);
        assertTrue(console.contains("> pass hunter2\n> quit\ntypist: bye"), console);
    }

    @Test
    void anImportThatAsksForASignatureRefusesAnUnsignedImageAndAnotherSigner() throws Exception {
        Interpreter source = on("source");
        ok(source, "vm create h --guest hello --mem 4M");
        Path signed = dir.resolve("h.ova");
        Path unsigned = dir.resolve("h-unsigned.ova");
        String exported = ok(source, "image export h " + signed).text();
        ok(source, "image export h " + unsigned + " --unsigned");
        java.util.regex.Matcher fingerprint = java.util.regex.Pattern.compile("signed by (SHA256:\\S+)").matcher(exported);
        assertTrue(fingerprint.find(), exported);

        Interpreter target = on("target");
        Outcome refused = target.execute("image import " + unsigned + " --signed", with(null));
        assertEquals(ExitStatus.BAD_INPUT, refused.status());
        assertEquals(unsigned + ": unsigned: nothing says who made it, and a signature was asked for", refused.error());
        Outcome other = target.execute("image import " + signed + " --signer SHA256:someone-else", with(null));
        assertEquals(ExitStatus.BAD_INPUT, other.status());
        assertTrue(other.error().endsWith(", not by SHA256:someone-else"), other.error());
        assertFalse(Files.exists(dir.resolve("target/vms/h")), "a refused image leaves the store as it was");

        ok(target, "image import " + signed + " --signer " + fingerprint.group(1).replaceAll("[,;)]$", ""));
        assertTrue(ok(target, "vm list").text().contains("h "));
    }

    @Test
    void aTamperedImageIsRefusedByTheCommandLineAndTheStoreStaysAsItWas() throws Exception {
        Interpreter source = on("source");
        ok(source, "vm create h --guest hello --mem 4M");
        Path ova = dir.resolve("h.ova");
        assertTrue(ok(source, "image export h " + ova).text().contains("exported h (off)"));
        Path tampered = dir.resolve("h-tampered.ova");
        Files.copy(ova, tampered);
        try (RandomAccessFile file = new RandomAccessFile(tampered.toFile(), "rw")) {
            long at = Files.readString(ova, StandardCharsets.ISO_8859_1).indexOf("A virtual machine exported");
            file.seek(at);
            file.write('a');
        }
        String store = dir.resolve("cli-store").toString();
        hv("vm", "create", "keep", "--guest", "hello", "--store", store);
        Outcome refused = hv("image", "import", tampered.toString(), "--store", store);
        assertEquals(ExitStatus.BAD_INPUT, refused.status());
        assertEquals("hv: " + tampered + ": h.ovf: SHA-256 does not match the manifest\n", refused.error());
        assertEquals(List.of("keep"), Files.list(dir.resolve("cli-store/vms")).map(p -> p.getFileName().toString()).toList());

        Outcome inspected = hv("image", "inspect", ova.toString(), "--store", store);
        assertEquals(0, inspected.status(), inspected.error());
        assertTrue(inspected.text().contains("state when exported: off"), inspected.text());
        Outcome imported = hv("image", "import", ova.toString(), "--store", store);
        assertEquals(0, imported.status(), imported.error());
        assertTrue(hv("vm", "list", "--store", store).text().contains("h "));
    }

    Outcome hv(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.execute(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Main.IN_PROCESS);
        String error = err.toString(StandardCharsets.UTF_8);
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), error.isEmpty() ? null : error, false, false, null);
    }
}
