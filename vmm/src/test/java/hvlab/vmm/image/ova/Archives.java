package hvlab.vmm.image.ova;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tampering kit of the tests: takes an OVA apart into its files, puts one together again
 * (after a change, with or without a manifest that matches), and writes raw ustar blocks for
 * archives no well-behaved library would write.
 */
final class Archives {
    private Archives() {}

    /** One file of an archive, in order. */
    record Member(String name, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    static List<Member> read(Path ova) throws IOException {
        List<Member> members = new ArrayList<>();
        try (InputStream file = Files.newInputStream(ova); TarArchiveInputStream tar = new TarArchiveInputStream(file)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                members.add(new Member(e.getName(), tar.readAllBytes()));
            }
        }
        return members;
    }

    static Path write(Path ova, List<Member> members) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(ova))) {
            for (Member m : members) {
                TarArchiveEntry e = new TarArchiveEntry(m.name(), true);
                e.setSize(m.bytes().length);
                tar.putArchiveEntry(e);
                tar.write(m.bytes());
                tar.closeArchiveEntry();
            }
        }
        return ova;
    }

    static byte[] bytes(List<Member> members, String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().bytes();
    }

    static List<Member> replace(List<Member> members, String name, byte[] bytes) {
        List<Member> out = new ArrayList<>();
        for (Member m : members) {
            out.add(m.name().equals(name) ? new Member(name, bytes) : m);
        }
        return out;
    }

    static List<Member> without(List<Member> members, String name) {
        return members.stream().filter(m -> !m.name().equals(name)).toList();
    }

    /** The members with the certificate dropped and the manifest rewritten to match them: what an attacker does. */
    static List<Member> remanifest(List<Member> members, String vm) throws Exception {
        Map<String, String> digests = new LinkedHashMap<>();
        List<Member> out = new ArrayList<>();
        for (Member m : members) {
            if (m.name().equals(vm + ".mf") || m.name().equals(vm + ".cert")) {
                continue;
            }
            digests.put(m.name(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(m.bytes())));
            out.add(m);
        }
        out.add(new Member(vm + ".mf", Manifest.format(digests)));
        return out;
    }

    static byte[] flip(byte[] bytes, int at) {
        byte[] copy = bytes.clone();
        copy[at] ^= 0x01;
        return copy;
    }

    // ---- raw ustar, for archives a library would refuse to write --------------------------

    /** A ustar header block (POSIX.1-1988) with a correct checksum. */
    static byte[] header(String name, long size, char type, String link) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        put(h, 124, String.format("%011o\0", size));
        put(h, 136, String.format("%011o\0", 0));
        h[156] = (byte) type;
        if (link != null) {
            put(h, 157, link);
        }
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        checksum(h, 0);
        return h;
    }

    /** Recomputes the checksum of the header block at {@code at} (the sum of its bytes, with the field as spaces). */
    static void checksum(byte[] archive, int at) {
        for (int i = 0; i < 8; i++) {
            archive[at + 148 + i] = ' ';
        }
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += archive[at + i] & 0xFF;
        }
        put(archive, at + 148, String.format("%06o\0 ", sum));
    }

    static byte[] raw(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
            int pad = (512 - part.length % 512) % 512;
            out.writeBytes(new byte[pad]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** The offset of {@code name}'s header block in a plain ustar archive. */
    static int headerOffset(byte[] archive, String name) {
        for (int at = 0; at + 512 <= archive.length; ) {
            String entry = new String(archive, at, 100, StandardCharsets.US_ASCII).replaceAll("\0.*", "");
            if (entry.isEmpty()) break;
            if (entry.equals(name)) return at;
            long size = Long.parseLong(new String(archive, at + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
            at += 512 + (int) ((size + 511) / 512 * 512);
        }
        throw new IllegalArgumentException("no " + name);
    }

    private static void put(byte[] block, int at, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, block, at, bytes.length);
    }
}
