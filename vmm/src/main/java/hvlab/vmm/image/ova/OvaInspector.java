package hvlab.vmm.image.ova;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.vmm.image.ova.OvfDescriptor.FileRef;
import hvlab.vmm.image.ova.PrintableStrings.Found;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code image inspect}: what anyone holding an image reads in it, with no key and no password
 * (paper IV.B.1: "they can be inspected (breaching confidentiality)"). The descriptor tells the
 * configuration and the VM's identity; the disk and the memory give up their text to a
 * {@code strings}-like scan (a password the guest was typed, a file it wrote); the machine state
 * carries the console the VMM kept, so what the guest printed is there too. An encrypted image
 * still shows its descriptor, but its payload is ciphertext.
 *
 * <p>Inspecting reads the archive as carefully as importing does ({@link TarWalk}: no links, no
 * paths, no sizes that lie) but writes nothing: every file is streamed through once. The manifest
 * and the signature are checked and reported, not required.
 */
public final class OvaInspector {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONSOLE_LINES = 12;

    /**
     * @param integrity   whether the manifest vouches for every file, or what does not match
     * @param signature   who signed the manifest and whether the signature verifies, or "none"
     * @param console     the last lines of the console kept in the machine state (empty if none)
     */
    public record Inspection(String file, long bytes, OvfDescriptor descriptor, List<OvaWriter.FileInfo> files,
                             String integrity, String signature, boolean encrypted, List<Found> diskStrings,
                             int diskStringsFound, List<Found> memoryStrings, int memoryStringsFound, List<String> console,
                             int historyEvents) {}

    private OvaInspector() {}

    /** Inspects {@code file}, keeping the first {@code limit} strings found in the disk and in the memory. */
    public static Inspection inspect(Path file, int limit, PublicKey trusted) {
        String ova = file.toString();
        try (TarWalk walk = new TarWalk(file, ova)) {
            TarWalk.Entry first = walk.next();
            if (first == null || !first.name().endsWith(".ovf") || first.size() > OvaLayout.MAX_DESCRIPTOR) {
                throw ImageRefused.of(ova, first == null ? null : first.name(), "is not an OVF descriptor, which must come first");
            }
            byte[] descriptorBytes = walk.data().readNBytes((int) first.size());
            OvfDescriptor d = DescriptorReader.read(descriptorBytes, ova, first.name());
            Map<String, FileRef> refs = new LinkedHashMap<>();
            d.files().forEach(ref -> refs.put(ref.href(), ref));
            Map<String, String> digests = new LinkedHashMap<>();
            List<OvaWriter.FileInfo> files = new ArrayList<>();
            String descriptorDigest = OvaReader.hex(OvaWriter.sha256().digest(descriptorBytes));
            digests.put(first.name(), descriptorDigest);
            files.add(new OvaWriter.FileInfo(first.name(), first.size(), descriptorDigest));
            PrintableStrings disk = new PrintableStrings("disk", limit);
            PrintableStrings memory = new PrintableStrings("memory", limit);
            List<String> console = List.of();
            int events = 0;
            byte[] manifest = null;
            byte[] certificate = null;
            for (TarWalk.Entry entry = walk.next(); entry != null; entry = walk.next()) {
                String name = entry.name();
                if (name.equals(OvaLayout.manifest(d.name()))) {
                    manifest = walk.data().readNBytes((int) Math.min(entry.size(), OvaLayout.MAX_SMALL_FILE));
                    continue;
                }
                if (name.equals(OvaLayout.certificate(d.name()))) {
                    certificate = walk.data().readNBytes((int) Math.min(entry.size(), OvaLayout.MAX_SMALL_FILE));
                    continue;
                }
                MessageDigest digest = OvaWriter.sha256();
                InputStream in = new DigestInputStream(walk.data(), digest);
                FileRef ref = refs.get(name);
                if (ref != null && !ref.encrypted()) {
                    switch (ref.payload()) {
                        case DISK -> scan(in, disk);
                        case MEMORY -> scanPages(in, memory);
                        case MACHINE -> console = console(in.readNBytes((int) Math.min(entry.size(), OvaLayout.MAX_MACHINE)));
                        case HISTORY -> events = (int) new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().count();
                        case IMAGE -> { }
                    }
                }
                in.transferTo(java.io.OutputStream.nullOutputStream()); // the rest is digested, not kept
                String hex = OvaReader.hex(digest.digest());
                digests.put(name, hex);
                files.add(new OvaWriter.FileInfo(name, entry.size(), hex));
            }
            disk.end();
            memory.end();
            String integrity = integrity(d, manifest, digests);
            String signature = signature(d, manifest, certificate, trusted);
            return new Inspection(ova, Files.size(file), d, files, integrity, signature, d.encrypted(), disk.found(), disk.count(),
                    memory.found(), memory.count(), console, events);
        } catch (IOException e) {
            throw ImageRefused.of(ova, null, "cannot be read: " + e.getMessage());
        }
    }

    private static void scan(InputStream in, PrintableStrings strings) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long offset = 0;
        for (int n; (n = in.read(buffer)) > 0; offset += n) {
            strings.feed(offset, buffer, 0, n);
        }
    }

    /** Walks PageSet's file format (see {@link hvlab.vmm.snapshot.PageSet}) to know each page's guest address. */
    private static void scanPages(InputStream stream, PrintableStrings strings) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        if (!new String(in.readNBytes(8), StandardCharsets.US_ASCII).equals("HVPAGES1")) {
            return;
        }
        long ram = in.readLong();
        in.readByte();
        int count = in.readInt();
        byte[] page = new byte[4096];
        for (int i = 0; i < count; i++) {
            long number = in.readInt() & 0xFFFFFFFFL;
            in.readFully(page);
            if (number * 4096 < ram) {
                strings.feed(number * 4096, page, 0, page.length);
            }
        }
    }

    /** The last lines of the console the VMM kept in the machine state (JSON: console.kept, base64). */
    private static List<String> console(byte[] machine) {
        try {
            JsonNode kept = JSON.readTree(machine).path("console").path("kept");
            if (!kept.isTextual()) {
                return List.of();
            }
            List<String> lines = new String(kept.binaryValue(), StandardCharsets.UTF_8).lines()
                    .map(TarWalk::printable).toList();
            return lines.subList(Math.max(0, lines.size() - CONSOLE_LINES), lines.size());
        } catch (IOException | RuntimeException unreadable) {
            return List.of();
        }
    }

    private static String integrity(OvfDescriptor d, byte[] manifest, Map<String, String> digests) {
        String manifestName = OvaLayout.manifest(d.name());
        if (manifest == null) {
            return "no manifest: nothing vouches for the files";
        }
        try {
            String[] problem = Manifest.mismatch(Manifest.parse(manifest, ImageRefused::new), digests, manifestName);
            return problem == null ? "the manifest lists every file and every SHA-256 matches"
                    : TarWalk.printable(problem[0]) + ": " + problem[1];
        } catch (ImageRefused e) {
            return manifestName + ": " + e.getMessage();
        }
    }

    private static String signature(OvfDescriptor d, byte[] manifest, byte[] certificate, PublicKey trusted) {
        if (certificate == null || manifest == null) {
            return "none: the image is not signed";
        }
        try {
            PublicKey key = CertificateFile.verify(certificate, OvaLayout.manifest(d.name()), manifest, ImageRefused::new);
            return "verifies, signed by " + SigningKey.fingerprint(key)
                    + (key.equals(trusted) ? " (this store's key)" : " (not this store's key)");
        } catch (ImageRefused e) {
            return OvaLayout.certificate(d.name()) + ": " + e.getMessage();
        }
    }
}
