package hvlab.vmm.image.ova;

import hvlab.vmm.image.ova.OvaLayout.Payload;
import hvlab.vmm.image.ova.OvfDescriptor.FileRef;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Takes an OVA in, checking everything before anything reaches a store. In order:
 * <ol>
 *   <li>the archive's structure, entry by entry, before each entry's data ({@link TarWalk});</li>
 *   <li>the descriptor comes first (DSP0243 5.3) and parses, safely ({@link DescriptorReader});
 *       from it the reader knows every file's name and size, and refuses any other name, any
 *       other size, and any size beyond what this VM could have written;</li>
 *   <li>every file is copied into a private temporary folder, digested as it goes;</li>
 *   <li>the manifest lists exactly the files present, each with its SHA-256; the signature, if
 *       there is one, verifies over the manifest;</li>
 *   <li>an encrypted payload opens with the passphrase ({@link PayloadCipher});</li>
 *   <li>the contents make sense to the VMM ({@link PayloadCheck}).</li>
 * </ol>
 * The first check that fails ends the import with one line naming the file and the check.
 */
public final class OvaReader {
    private OvaReader() {}

    /**
     * @param passphrase asked only if the image is encrypted; null from it means none is to be had
     * @param trusted    this store's own public key (null if it has none): an image it signed is "trusted"
     */
    public static ImportedImage read(Path file, Supplier<char[]> passphrase, PublicKey trusted, Progress progress) {
        String ova = file.toString();
        Path folder;
        try {
            folder = Files.createTempDirectory("hvlab-import",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw ImageRefused.of(ova, null, "no room to unpack it: " + e.getMessage());
        }
        ImportedImage imported = null;
        try (TarWalk walk = new TarWalk(file, ova)) {
            imported = read(walk, ova, folder, passphrase, trusted, progress);
            return imported;
        } finally {
            if (imported == null) {
                new ImportedImage(null, null, List.of(), null, false, folder).close();
            }
        }
    }

    private static ImportedImage read(TarWalk walk, String ova, Path folder, Supplier<char[]> passphrase, PublicKey trusted,
                                      Progress progress) {
        TarWalk.Entry first = walk.next();
        if (first == null) {
            throw ImageRefused.of(ova, null, "is an empty archive");
        }
        if (!first.name().endsWith(".ovf")) {
            throw ImageRefused.of(ova, first.name(), "comes first, where the OVF descriptor must be (DSP0243 5.3)");
        }
        if (first.size() > OvaLayout.MAX_DESCRIPTOR) {
            throw ImageRefused.of(ova, first.name(), "is " + first.size() + " bytes; a descriptor is at most " + OvaLayout.MAX_DESCRIPTOR);
        }
        byte[] descriptorBytes = readSmall(walk, ova, first);
        OvfDescriptor d = DescriptorReader.read(descriptorBytes, ova, first.name());
        Map<String, FileRef> expected = new LinkedHashMap<>();
        long total = 0;
        for (FileRef ref : d.files()) {
            long most = OvaLayout.maxPlainSize(ref.payload(), d.memoryBytes(), d.diskCapacity());
            if (d.encrypted()) {
                most = PayloadCipher.sealedSize(most, d.encryption().segmentBytes());
            }
            boolean exact = ref.payload() == Payload.DISK;
            if (exact ? ref.size() != most : ref.size() > most) {
                throw ImageRefused.of(ova, ref.href(), "the descriptor declares " + ref.size() + " bytes, "
                        + (exact ? "but a disk of " + d.diskCapacity() + " bytes takes " + most
                                 : "more than " + ref.payload().meaning() + " of this VM can hold (" + most + ")"));
            }
            expected.put(ref.href(), ref);
            total += ref.size();
        }

        String manifestName = OvaLayout.manifest(d.name());
        String certificateName = OvaLayout.certificate(d.name());
        Map<String, String> digests = new LinkedHashMap<>();
        digests.put(first.name(), hex(OvaWriter.sha256().digest(descriptorBytes)));
        Map<String, byte[]> small = new HashMap<>();
        List<OvaWriter.FileInfo> files = new ArrayList<>();
        files.add(new OvaWriter.FileInfo(first.name(), first.size(), digests.get(first.name())));
        long done = 0;
        for (TarWalk.Entry entry = walk.next(); entry != null; entry = walk.next()) {
            String name = entry.name();
            if (digests.containsKey(name) || small.containsKey(name)) {
                throw ImageRefused.of(ova, name, "appears twice in the archive");
            }
            if (name.equals(manifestName) || name.equals(certificateName)) {
                if (entry.size() > OvaLayout.MAX_SMALL_FILE) {
                    throw ImageRefused.of(ova, name, "is " + entry.size() + " bytes, more than a manifest or certificate needs");
                }
                small.put(name, readSmall(walk, ova, entry));
                continue;
            }
            FileRef ref = expected.get(name);
            if (ref == null) {
                throw ImageRefused.of(ova, name, "is not one of this image's files (the descriptor's References do not list it)");
            }
            if (entry.size() != ref.size()) {
                throw ImageRefused.of(ova, name, "its tar header says " + entry.size() + " bytes, the descriptor's References say "
                        + ref.size());
            }
            String digest = copy(walk, ova, entry, folder.resolve(name), progress, done, total);
            done += entry.size();
            digests.put(name, digest);
            files.add(new OvaWriter.FileInfo(name, entry.size(), digest));
        }
        for (String name : expected.keySet()) {
            if (!digests.containsKey(name)) {
                throw ImageRefused.of(ova, name, "is missing: the descriptor lists it, the archive does not hold it");
            }
        }
        byte[] manifest = small.get(manifestName);
        if (manifest == null) {
            throw ImageRefused.of(ova, manifestName, "is missing: hvlab takes in no image without its manifest");
        }
        checkManifest(ova, manifestName, manifest, digests);
        String signer = null;
        boolean isTrusted = false;
        byte[] certificate = small.get(certificateName);
        if (certificate != null) {
            PublicKey key = CertificateFile.verify(certificate, manifestName, manifest,
                    what -> ImageRefused.of(ova, certificateName, what));
            signer = SigningKey.fingerprint(key);
            isTrusted = key.equals(trusted);
        }
        progress.update(total, total);
        var bundle = PayloadCheck.bundle(ova, d, folder, OvaWriter.sha256().digest(descriptorBytes), passphrase);
        return new ImportedImage(bundle, d, files, signer, isTrusted, folder);
    }

    /** The manifest lists exactly the files present (the descriptor and the payload), each with its digest. */
    private static void checkManifest(String ova, String manifestName, byte[] manifest, Map<String, String> digests) {
        Map<String, String> listed = Manifest.parse(manifest, what -> ImageRefused.of(ova, manifestName, what));
        String[] problem = Manifest.mismatch(listed, digests, manifestName);
        if (problem != null) {
            throw ImageRefused.of(ova, TarWalk.printable(problem[0]), problem[1]);
        }
    }

    private static byte[] readSmall(TarWalk walk, String ova, TarWalk.Entry entry) {
        try {
            byte[] bytes = walk.data().readNBytes((int) entry.size());
            if (bytes.length != entry.size()) {
                throw ImageRefused.of(ova, entry.name(), "ends after " + bytes.length + " of its " + entry.size() + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw ImageRefused.of(ova, entry.name(), "cannot be read: " + e.getMessage());
        }
    }

    /** Copies exactly the entry's declared bytes into {@code target}, returning their SHA-256. */
    private static String copy(TarWalk walk, String ova, TarWalk.Entry entry, Path target, Progress progress, long before,
                               long total) {
        MessageDigest digest = OvaWriter.sha256();
        byte[] buffer = new byte[1 << 16];
        long left = entry.size();
        InputStream in = walk.data();
        try (OutputStream out = Files.newOutputStream(target)) {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw ImageRefused.of(ova, entry.name(), "ends " + left + " bytes before the size its header declares");
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
                left -= n;
                if ((entry.size() - left) % (1 << 20) < n) {
                    progress.update(before + entry.size() - left, total);
                }
            }
        } catch (IOException e) {
            throw ImageRefused.of(ova, entry.name(), "cannot be read: " + e.getMessage());
        }
        return hex(digest.digest());
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
