package hvlab.vmm.image.ova;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.VmSpec;
import hvlab.vmm.image.ova.Archives.Member;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every tamper and every hostile archive is refused with one line naming the file and the check,
 * and the store it was to go into is the same, byte for byte, afterwards.
 */
class OvaTamperTest {
    @TempDir
    Path dir;
    static ExportedImages images;
    static Host target;
    static Path targetStore;

    @BeforeAll
    static void setUp(@TempDir Path store) throws Exception {
        images = ExportedImages.get();
        targetStore = store;
        target = new Host("local", store, 1);
        target.create(VmSpec.of("already-here", "hello"));
    }

    @AfterAll
    static void tearDown() {
        target.close();
    }

    /** Every file of the store with its size and modification time. */
    static Map<String, String> storeContents() throws IOException {
        Map<String, String> contents = new TreeMap<>();
        try (Stream<Path> files = Files.walk(targetStore)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                contents.put(targetStore.relativize(file).toString(), Files.size(file) + "@" + Files.getLastModifiedTime(file));
            }
        }
        return contents;
    }

    /** Imports {@code members} as an archive into the target; asserts it is refused with {@code reason} and nothing changed. */
    void refused(String reason, List<Member> members) throws Exception {
        refused(reason, Archives.write(dir.resolve("tampered-" + System.nanoTime() + ".ova"), members));
    }

    void refused(String reason, Path ova) throws Exception {
        Map<String, String> before = storeContents();
        var refusal = assertThrows(ImageRefused.class, () -> {
            try (ImportedImage image = OvaReader.read(ova, () -> null, null, Progress.NONE)) {
                target.install(image.bundle(), null, "test", "import");
            }
        }, reason);
        assertEquals(ova + ": " + reason, refusal.getMessage().length() > (ova + ": " + reason).length()
                ? refusal.getMessage().substring(0, (ova + ": " + reason).length()) : refusal.getMessage());
        assertEquals(1, refusal.getMessage().lines().count(), "one line");
        assertEquals(before, storeContents(), "the store is untouched");
        assertEquals(List.of("already-here"), target.list().stream().map(vm -> vm.name()).toList());
    }

    static List<Member> plain() throws IOException {
        return Archives.read(images.plain);
    }

    static List<Member> signed() throws IOException {
        return Archives.read(images.signed);
    }

    @Test
    void oneByteChangedInAnyFileIsFoundByItsDigest() throws Exception {
        List<Member> members = plain();
        for (Member m : members) {
            if (m.name().endsWith(".mf")) continue;
            int at = m.name().endsWith(".ovf") ? m.text().indexOf("A virtual machine exported") + 2 : m.bytes().length / 2;
            refused(m.name() + ": SHA-256 does not match the manifest", Archives.replace(members, m.name(), Archives.flip(m.bytes(), at)));
        }
        List<Member> signed = signed();
        byte[] disk = Archives.bytes(signed, "web-disk.img");
        refused("web-disk.img: SHA-256 does not match the manifest", Archives.replace(signed, "web-disk.img", Archives.flip(disk, 100)));
    }

    @Test
    void filesAddedOrRemovedAndManifestsThatLieAreRefused() throws Exception {
        List<Member> members = plain();
        List<Member> added = new ArrayList<>(members);
        added.add(5, new Member("web-notes.txt", "hello".getBytes(StandardCharsets.UTF_8)));
        refused("web-notes.txt: is not one of this image's files", added);
        refused("web-notes.txt: is not one of this image's files", Archives.remanifest(added, "web"));
        List<Member> twice = new ArrayList<>(members);
        twice.add(5, members.get(2));
        refused(members.get(2).name() + ": appears twice in the archive", twice);

        refused("web-history.jsonl: is missing", Archives.without(members, "web-history.jsonl"));
        refused("web-history.jsonl: is missing", Archives.remanifest(Archives.without(members, "web-history.jsonl"), "web"));
        refused("web.mf: is missing", Archives.without(members, "web.mf"));

        String manifest = new String(Archives.bytes(members, "web.mf"), StandardCharsets.US_ASCII);
        String lie = manifest.replaceFirst("(SHA256\\(web-disk.img\\)= )[0-9a-f]{8}", "$100000000");
        refused("web-disk.img: SHA-256 does not match the manifest", Archives.replace(members, "web.mf", lie.getBytes(StandardCharsets.US_ASCII)));
        String lost = manifest.lines().filter(l -> !l.contains("web-image.bin")).map(l -> l + "\n").reduce("", String::concat);
        refused("web-image.bin: is not in the manifest", Archives.replace(members, "web.mf", lost.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aSignedManifestCannotBeRewrittenAndABadSignatureIsRefused() throws Exception {
        List<Member> signed = signed();
        byte[] certificate = Archives.bytes(signed, "web.cert");
        // The attacker changes the disk and writes a manifest to match, keeping the signature.
        byte[] disk = Archives.bytes(signed, "web-disk.img");
        List<Member> rewritten = new ArrayList<>(Archives.remanifest(Archives.replace(signed, "web-disk.img", Archives.flip(disk, 9)), "web"));
        rewritten.add(new Member("web.cert", certificate));
        refused("web.cert: the signature over web.mf does not verify", rewritten);

        String text = new String(certificate, StandardCharsets.US_ASCII);
        int at = text.indexOf("= ") + 12;
        String bad = text.substring(0, at) + (text.charAt(at) == '0' ? '1' : '0') + text.substring(at + 1);
        refused("web.cert: the signature over web.mf does not verify", Archives.replace(signed, "web.cert", bad.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void pathsOutsideTheArchiveAndLinksAreRefused() throws Exception {
        List<Member> members = plain();
        List<Member> climbing = new ArrayList<>(members);
        climbing.add(1, new Member("../escape", "x".getBytes(StandardCharsets.UTF_8)));
        refused("../escape: climbs out of the archive's folder ('..')", climbing);
        List<Member> absolute = new ArrayList<>(members);
        absolute.add(1, new Member("/etc/cron.d/evil", "x".getBytes(StandardCharsets.UTF_8)));
        refused("/etc/cron.d/evil: is an absolute path", absolute);
        List<Member> folder = new ArrayList<>(members);
        folder.add(1, new Member("sub/web-disk.img", "x".getBytes(StandardCharsets.UTF_8)));
        refused("sub/web-disk.img: is in a folder", folder);

        byte[] descriptor = members.getFirst().bytes();
        refused("web-disk.img: is a symbolic link (to /etc/passwd)", write(Archives.raw(List.of(
                Archives.header("web.ovf", descriptor.length, '0', null), descriptor,
                Archives.header("web-disk.img", 0, '2', "/etc/passwd")))));
        refused("web-disk.img: is a hard link (to web.ovf)", write(Archives.raw(List.of(
                Archives.header("web.ovf", descriptor.length, '0', null), descriptor,
                Archives.header("web-disk.img", 0, '1', "web.ovf")))));
        refused("web-history.jsonl: comes first, where the OVF descriptor must be", Archives.write(dir.resolve("order.ova"),
                List.of(members.get(5), members.get(0))));
    }

    @Test
    void sizesThatLieAndArchivesThatExpandAreRefused() throws Exception {
        List<Member> members = plain();
        byte[] disk = Archives.bytes(members, "web-disk.img");
        byte[] longer = java.util.Arrays.copyOf(disk, disk.length + 1);
        refused("web-disk.img: its tar header says " + longer.length + " bytes, the descriptor's References say " + disk.length,
                Archives.replace(members, "web-disk.img", longer));

        // A header that declares a gigabyte in an archive of a few megabytes.
        byte[] archive = Files.readAllBytes(images.plain);
        int at = Archives.headerOffset(archive, "web-history.jsonl");
        System.arraycopy(String.format("%011o\0", 1L << 30).getBytes(StandardCharsets.US_ASCII), 0, archive, at + 124, 12);
        Archives.checksum(archive, at);
        refused("web-history.jsonl: its tar header declares 1073741824 bytes, but the archive ends", write(archive));

        // A descriptor and a header that agree on 100 bytes, followed by far more.
        String ovf = members.getFirst().text();
        byte[] history = Archives.bytes(members, "web-history.jsonl");
        String small = ovf.replace("ovf:href=\"web-history.jsonl\" ovf:id=\"history\" ovf:size=\"" + history.length + "\"",
                "ovf:href=\"web-history.jsonl\" ovf:id=\"history\" ovf:size=\"100\"");
        assertNotEquals(ovf, small, "the References name the history's size");
        byte[] big = new byte[1 << 20];
        java.util.Arrays.fill(big, (byte) 'A');
        System.arraycopy(history, 0, big, 0, 100);
        List<byte[]> parts = new ArrayList<>();
        parts.add(Archives.header("web.ovf", small.length(), '0', null));
        parts.add(small.getBytes(StandardCharsets.UTF_8));
        for (Member m : members.subList(1, 5)) {
            parts.add(Archives.header(m.name(), m.bytes().length, '0', null));
            parts.add(m.bytes());
        }
        parts.add(Archives.header("web-history.jsonl", 100, '0', null));
        parts.add(big);
        refused("web-history.jsonl: is followed by bytes that are no tar header", write(Archives.raw(parts)));

        // pax headers may rename an entry after the fact: none are allowed.
        String record = " path=web-disk.img\n";
        String pax = (record.length() + 2) + record;
        refused("web-disk.img: comes with tar extension headers", write(Archives.raw(List.of(
                Archives.header("web.ovf", members.getFirst().bytes().length, '0', null), members.getFirst().bytes(),
                Archives.header("PaxHeader", pax.length(), 'x', null), pax.getBytes(StandardCharsets.US_ASCII),
                Archives.header("innocent", disk.length, '0', null), disk))));

        byte[] trailing = Files.readAllBytes(images.plain);
        byte[] more = java.util.Arrays.copyOf(trailing, trailing.length + 4096);
        java.util.Arrays.fill(more, trailing.length, more.length, (byte) 'A');
        refused("holds 4096 bytes after the end of the archive", write(more));
    }

    @Test
    void hostileContentsAreRefusedAfterTheirDigestsMatch() throws Exception {
        List<Member> members = plain();
        String ovf = members.getFirst().text();
        String xxe = ovf.replace("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>", "")
                .replace("<Envelope", "<!DOCTYPE Envelope [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n<Envelope")
                .replace("<Name>web</Name>", "<Name>&secret;</Name>");
        assertNotEquals(ovf, xxe);
        refused("web.ovf: has a document type declaration (DTD)", Archives.remanifest(
                Archives.replace(members, "web.ovf", xxe.getBytes(StandardCharsets.UTF_8)), "web"));

        byte[] pages = Archives.bytes(members, "web-memory.pages").clone();
        ByteBuffer.wrap(pages).putInt(21, 0x7FFF_FFFF); // the first page's number, far beyond 4 MiB of RAM
        refused("web-memory.pages: page 2147483647 lies outside 4194304 bytes of RAM",
                Archives.remanifest(Archives.replace(members, "web-memory.pages", pages), "web"));

        String huge = ovf.replace("<rasd:VirtualQuantity>4</rasd:VirtualQuantity>", "<rasd:VirtualQuantity>4096</rasd:VirtualQuantity>");
        assertNotEquals(ovf, huge);
        refused("web.ovf: memory of 4294967296 bytes: guest memory is a multiple of 4K between 2M and 1G",
                Archives.remanifest(Archives.replace(members, "web.ovf", huge.getBytes(StandardCharsets.UTF_8)), "web"));
    }

    Path write(byte[] archive) throws IOException {
        return Files.write(dir.resolve("raw-" + System.nanoTime() + ".ova"), archive);
    }
}
