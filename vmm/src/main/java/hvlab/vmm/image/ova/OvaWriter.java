package hvlab.vmm.image.ova;

import hvlab.vmm.host.VmBundle;
import hvlab.vmm.image.ova.OvaLayout.Payload;
import hvlab.vmm.image.ova.OvfDescriptor.FileRef;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a captured VM ({@link VmBundle}) as an OVA: the descriptor first, then the payload files,
 * then the manifest and, when a key is given, the certificate (see the package's documentation
 * for the layout). The descriptor must name every file's size before any file is written, which
 * is why sizes are known up front: a sealed file's size follows from its plain size.
 *
 * <p>The archive is written to a temporary file beside the target, forced to disk, and only then
 * given its name, so a crash or a kill mid-export never leaves a half image under the name; an
 * existing file of that name is never replaced.
 */
public final class OvaWriter {
    /** One file of a written OVA, as the manifest lists it. */
    public record FileInfo(String name, long bytes, String sha256) {}

    /** What was written: the files, and whether they were encrypted and signed (signer: a key fingerprint, or null). */
    public record Written(Path file, long bytes, String state, boolean encrypted, String signer, List<FileInfo> files) {}

    private OvaWriter() {}

    /** A payload file before it is written: its plain size and where its bytes come from. */
    private record Source(Payload payload, long size, InputStreamOpener open) {}

    @FunctionalInterface
    private interface InputStreamOpener {
        InputStream open() throws IOException;
    }

    /**
     * @param signer     the key to sign the manifest with, or null for an unsigned image
     * @param passphrase the passphrase to encrypt the payload with, or null to leave it readable
     */
    public static Written write(VmBundle bundle, Path target, SigningKey signer, char[] passphrase, Progress progress) {
        String ova = target.toString();
        if (Files.exists(target)) {
            throw ImageRefused.of(ova, null, "already exists (remove it, or export to another name)");
        }
        Path folder = target.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw ImageRefused.of(ova, null, "its folder does not exist");
        }
        Path memory = null;
        Path temp = null;
        try {
            String vm = bundle.definition().name();
            List<Source> sources = new ArrayList<>();
            byte[] image = bundle.image();
            sources.add(new Source(Payload.IMAGE, image.length, () -> new ByteArrayInputStream(image)));
            long capacity = 0;
            if (bundle.disk() != null) {
                capacity = Files.size(bundle.disk());
                sources.add(new Source(Payload.DISK, capacity, () -> Files.newInputStream(bundle.disk())));
            }
            String state = OvfDescriptor.OFF;
            if (bundle.machine() != null) {
                state = bundle.paused() ? OvfDescriptor.PAUSED : OvfDescriptor.RUNNING;
                byte[] machine = bundle.machine();
                sources.add(new Source(Payload.MACHINE, machine.length, () -> new ByteArrayInputStream(machine)));
                memory = Files.createTempFile("hvlab-export", ".pages");
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(memory), 1 << 16)) {
                    bundle.memory().write(out);
                }
                Path pages = memory;
                sources.add(new Source(Payload.MEMORY, Files.size(pages), () -> Files.newInputStream(pages)));
            }
            byte[] history = String.join("", bundle.history().stream().map(line -> line + "\n").toList())
                    .getBytes(StandardCharsets.UTF_8);
            sources.add(new Source(Payload.HISTORY, history.length, () -> new ByteArrayInputStream(history)));

            PayloadCipher cipher = passphrase == null ? null : PayloadCipher.create(passphrase);
            List<FileRef> refs = new ArrayList<>();
            long total = 0;
            for (Source source : sources) {
                long stored = cipher == null ? source.size() : PayloadCipher.sealedSize(source.size(), cipher.parameters().segmentBytes());
                refs.add(new FileRef(source.payload(), source.payload().fileName(vm), stored, cipher != null));
                total += stored;
            }
            OvfDescriptor descriptor = OvfDescriptor.of(bundle.definition(), state, capacity, refs,
                    cipher == null ? null : cipher.parameters());
            byte[] descriptorBytes = DescriptorWriter.write(descriptor);
            byte[] descriptorDigest = sha256().digest(descriptorBytes);

            temp = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
            Map<String, String> digests = new LinkedHashMap<>();
            List<FileInfo> files = new ArrayList<>();
            long done = 0;
            try (FileOutputStream file = new FileOutputStream(temp.toFile());
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(new BufferedOutputStream(file, 1 << 16))) {
                // Plain ustar: no long names, no numbers beyond 11 octal digits (8 GiB a file).
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_ERROR);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_ERROR);
                Instant now = Instant.now();
                add(tar, descriptor.descriptorName(), descriptorBytes.length, now, new ByteArrayInputStream(descriptorBytes),
                        null, digests, files, Progress.NONE, 0, total);
                for (int i = 0; i < sources.size(); i++) {
                    Source source = sources.get(i);
                    FileRef ref = refs.get(i);
                    try (InputStream in = source.open().open()) {
                        add(tar, ref.href(), ref.size(), now, in, cipher == null ? null
                                        : out -> cipher.seal(in, source.size(), out, ref.href(), descriptorDigest),
                                digests, files, progress, done, total);
                    }
                    done += ref.size();
                }
                byte[] manifest = Manifest.format(digests);
                add(tar, OvaLayout.manifest(vm), manifest.length, now, new ByteArrayInputStream(manifest), null, null, files,
                        Progress.NONE, 0, 0);
                if (signer != null) {
                    byte[] certificate = CertificateFile.write(OvaLayout.manifest(vm), manifest, signer);
                    add(tar, OvaLayout.certificate(vm), certificate.length, now, new ByteArrayInputStream(certificate), null,
                            null, files, Progress.NONE, 0, 0);
                }
                tar.finish();
                tar.flush();
                file.getChannel().force(true);
            }
            progress.update(total, total);
            name(temp, target, ova);
            return new Written(target, Files.size(target), state, cipher != null,
                    signer == null ? null : SigningKey.fingerprint(signer.publicKey()), files);
        } catch (IOException e) {
            throw ImageRefused.of(ova, null, "cannot be written: " + e.getMessage());
        } finally {
            delete(memory);
            delete(temp);
        }
    }

    @FunctionalInterface
    private interface Sealer {
        void seal(OutputStream out) throws IOException;
    }

    /** One tar entry: its header, then its bytes (sealed by {@code sealer} if given), digested as stored. */
    private static void add(TarArchiveOutputStream tar, String name, long size, Instant time, InputStream in, Sealer sealer,
                            Map<String, String> digests, List<FileInfo> files, Progress progress, long before, long total)
            throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(0644);
        entry.setModTime(time.toEpochMilli());
        entry.setUserName("hvlab");
        entry.setGroupName("hvlab");
        tar.putArchiveEntry(entry);
        MessageDigest digest = sha256();
        CountingOutput counting = new CountingOutput(tar, progress, before, total);
        OutputStream out = new DigestOutputStream(counting, digest);
        if (sealer == null) {
            in.transferTo(out);
        } else {
            sealer.seal(out);
        }
        out.flush();
        if (counting.count != size) {
            throw new IOException(name + " came to " + counting.count + " bytes, not the " + size + " its descriptor declares");
        }
        tar.closeArchiveEntry();
        String hex = HexFormat.of().formatHex(digest.digest());
        if (digests != null) {
            digests.put(name, hex);
        }
        files.add(new FileInfo(name, size, hex));
    }

    /** Gives the finished archive its name: link(2) fails if the name exists, where rename(2) would replace it. */
    private static void name(Path temp, Path target, String ova) throws IOException {
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            throw ImageRefused.of(ova, null, "already exists (remove it, or export to another name)");
        } catch (UnsupportedOperationException | IOException noLinks) {
            if (Files.exists(target)) {
                throw ImageRefused.of(ova, null, "already exists (remove it, or export to another name)");
            }
            Files.move(temp, target);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }

    /** Passes bytes on, counting them and reporting progress every MiB. */
    private static final class CountingOutput extends java.io.FilterOutputStream {
        long count;
        private final Progress progress;
        private final long before;
        private final long total;
        private long reported;

        CountingOutput(OutputStream out, Progress progress, long before, long total) {
            super(out);
            this.progress = progress;
            this.before = before;
            this.total = total;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            advance(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            advance(len);
        }

        @Override
        public void close() {
            // the tar entry is closed by the writer, not by the streams over it
        }

        private void advance(long n) {
            count += n;
            if (count - reported >= (1 << 20)) {
                reported = count;
                progress.update(before + count, total);
            }
        }
    }
}
