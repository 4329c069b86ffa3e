package hvlab.vmm.image.ova;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmBundle;
import hvlab.vmm.host.VmInfo;
import hvlab.vmm.host.VmSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A running {@code counter} VM exported from a real host, imported into a fresh store on a second
 * host, and started there: it counts on from where it was. The archive is checked with the real
 * {@code tar}, {@code sha256sum} and {@code openssl}, not with our own reader.
 */
class OvaRoundTripTest {
    @TempDir
    Path dir;
    static ExportedImages images;
    final List<Host> hosts = new ArrayList<>();

    @BeforeAll
    static void export() throws Exception {
        images = ExportedImages.get();
    }

    Host freshHost(String name) {
        Host host = new Host("local", dir.resolve(name + System.nanoTime()), 1);
        hosts.add(host);
        return host;
    }

    @org.junit.jupiter.api.AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    @Test
    void importedIntoAFreshStoreTheCounterResumesWhereItWas() throws Exception {
        Host target = freshHost("target");
        VmInfo info;
        try (ImportedImage image = OvaReader.read(images.tick, () -> null, null, Progress.NONE)) {
            assertNotNull(image.signer(), "a signed image names its signer");
            assertFalse(image.trusted(), "another store's key is not this store's");
            info = target.install(image.bundle(), null, "test", "import");
        }
        VmInfo original = images.source.info("tick");
        assertEquals(List.of(original.uuid(), original.memoryBytes(), original.weight(), original.cap(), original.mode(), "defined"),
                List.of(info.uuid(), info.memoryBytes(), info.weight(), info.cap(), info.mode(), info.state()));
        target.act("tick", PowerAction.START, "test");
        ExportedImages.await("the imported counter counting on", () -> ExportedImages.lastCount(target.console("tick", 0).text()) >= images.tickCountAtCapture + 2);
        String console = target.console("tick", 0).text();
        assertEquals(1, console.lines().filter(l -> l.equals("count 1")).count(), "it resumed; it did not boot again:\n" + console);
        assertTrue(String.join("\n", hvlab.vmm.host.VmHistory.lines(target.store().folder("tick"))).contains("\"import\""));
    }

    @Test
    void theRealTarListsTheDescriptorFirstAndSha256sumAgreesWithEveryManifestLine() throws Exception {
        List<String> listing = run(dir, "tar", "tvf", images.signed.toString()).lines().toList();
        List<String> names = listing.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertEquals(List.of("web.ovf", "web-image.bin", "web-disk.img", "web-machine.json", "web-memory.pages",
                "web-history.jsonl", "web.mf", "web.cert"), names, String.join("\n", listing));

        Path out = Files.createDirectories(dir.resolve("extracted"));
        run(out, "tar", "xf", images.signed.toString());
        List<String> manifest = Files.readAllLines(out.resolve("web.mf"));
        assertEquals(6, manifest.size(), "every file but the manifest and certificate: " + manifest);
        for (String line : manifest) {
            String file = line.substring("SHA256(".length(), line.indexOf(')'));
            String hex = line.substring(line.indexOf("= ") + 2);
            assertEquals(hex + "  " + file, run(out, "sha256sum", file).strip(), line);
        }
    }

    @Test
    void opensslVerifiesTheSignatureOverTheManifest() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Path out = Files.createDirectories(dir.resolve("openssl"));
        run(out, "tar", "xf", images.signed.toString());
        String cert = Files.readString(out.resolve("web.cert"));
        String hex = cert.substring(cert.indexOf("= ") + 2, cert.indexOf('\n'));
        Files.write(out.resolve("sig.der"), HexFormat.of().parseHex(hex));
        Files.writeString(out.resolve("key.pem"), cert.substring(cert.indexOf("-----BEGIN")));
        assertEquals("Verified OK", run(out, "openssl", "dgst", "-sha256", "-verify", "key.pem", "-signature", "sig.der",
                "web.mf").strip());
    }

    @Test
    void anEncryptedImageRoundTripsAndAWrongPassphraseIsRefusedWithItsOwnMessage() throws Exception {
        try (ImportedImage open = OvaReader.read(images.plain, () -> null, null, Progress.NONE);
             ImportedImage unsealed = OvaReader.read(images.sealed, ExportedImages.PASSPHRASE::clone, null, Progress.NONE)) {
            VmBundle a = open.bundle();
            VmBundle b = unsealed.bundle();
            assertArrayEquals(a.image(), b.image());
            assertArrayEquals(a.machine(), b.machine());
            assertArrayEquals(Files.readAllBytes(a.disk()), Files.readAllBytes(b.disk()));
            assertEquals(a.memory().pageNumbers(), b.memory().pageNumbers());
            assertEquals(a.history(), b.history());
            assertEquals(images.web.definition(), b.definition().withDisk(images.web.definition().disk()));
        }
        var wrong = assertThrows(ImageRefused.class, () -> OvaReader.read(images.sealed, "hunter2"::toCharArray, null, Progress.NONE));
        assertEquals(images.sealed + ": wrong passphrase: it does not unlock this image's key", wrong.getMessage());
        var none = assertThrows(ImageRefused.class, () -> OvaReader.read(images.sealed, () -> null, null, Progress.NONE));
        assertTrue(none.getMessage().endsWith("is encrypted: give its passphrase (HVLAB_PASSPHRASE, or at the shell's prompt)"));

        // Ciphertext changed and a new manifest made to match: only the passphrase's key can tell.
        var members = Archives.read(images.sealed);
        byte[] disk = Archives.bytes(members, "web-disk.img");
        Path changed = Archives.write(dir.resolve("sealed-changed.ova"),
                Archives.remanifest(Archives.replace(members, "web-disk.img", Archives.flip(disk, disk.length / 2)), "web"));
        var refused = assertThrows(ImageRefused.class, () -> OvaReader.read(changed, ExportedImages.PASSPHRASE::clone, null, Progress.NONE));
        assertEquals(changed + ": web-disk.img: does not decrypt: it, or the descriptor, was changed after it was encrypted",
                refused.getMessage());
    }

    @Test
    void theDescriptorIsOvf2WithRasdItemsAndAnHvlabSection() throws Exception {
        String ovf = Archives.read(images.plain).getFirst().text();
        for (String expected : List.of("xmlns=\"http://schemas.dmtf.org/ovf/envelope/2\"", "<References>",
                "ovf:href=\"web-disk.img\"", "<DiskSection>", "ovf:capacity=\"65536\"", "<NetworkSection>",
                "ovf:name=\"hvlab-default\"", "<OperatingSystemSection", "<rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>",
                "<rasd:ResourceType>3</rasd:ResourceType>", "<rasd:VirtualQuantity>4</rasd:VirtualQuantity>",
                "<hvlab:VirtualMachineSection ovf:required=\"false\">", "<hvlab:ExecutionMode>trap</hvlab:ExecutionMode>",
                "<hvlab:Weight>300</hvlab:Weight>", "<hvlab:Cap>50</hvlab:Cap>", "<hvlab:State>running</hvlab:State>")) {
            assertTrue(ovf.contains(expected), expected + " in:\n" + ovf);
        }
        String sealedOvf = Archives.read(images.sealed).getFirst().text();
        assertTrue(sealedOvf.contains("hvlab:encrypted=\"true\"") && sealedOvf.contains("hvlab:iterations=\"310000\""), sealedOvf);
    }

    static String run(Path in, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ":\n" + output);
        return output;
    }
}
