package hvlab.vmm.image.ova;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.host.VmBundle;
import hvlab.vmm.image.ova.OvaLayout.Payload;
import hvlab.vmm.image.ova.OvfDescriptor.FileRef;
import hvlab.vmm.snapshot.PageSet;
import hvlab.vmm.state.VmStateCodec;

import javax.crypto.AEADBadTagException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The last checks of an import, on files whose digests already matched: open an encrypted
 * payload with its passphrase, then make sure each file is what the VMM can take in. A matching
 * digest says a file is the one the manifest's author meant; it says nothing about whether that
 * author was friendly, so the contents are checked as if they were not: the memory file is read
 * by {@link PageSet#read}, which refuses pages beyond the RAM, the machine state must be for this
 * RAM, the image must fit in it, the disk must be as large as the descriptor says.
 */
final class PayloadCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PayloadCheck() {}

    static VmBundle bundle(String ova, OvfDescriptor d, Path folder, byte[] descriptorDigest, Supplier<char[]> passphrase) {
        if (d.encrypted()) {
            decrypt(ova, d, folder, descriptorDigest, passphrase);
        }
        try {
            byte[] image = Files.readAllBytes(folder.resolve(d.file(Payload.IMAGE).href()));
            if (image.length == 0 || BootLayout.GUEST_LOAD_ADDRESS + image.length > d.memoryBytes()) {
                throw ImageRefused.of(ova, d.file(Payload.IMAGE).href(), "a guest image of " + image.length
                        + " bytes does not fit at 1 MiB in " + d.memoryBytes() + " bytes of memory");
            }
            Path disk = null;
            FileRef diskRef = d.file(Payload.DISK);
            if (diskRef != null) {
                disk = folder.resolve(diskRef.href());
                if (Files.size(disk) != d.diskCapacity()) {
                    throw ImageRefused.of(ova, diskRef.href(), "holds " + Files.size(disk) + " bytes, the DiskSection says "
                            + d.diskCapacity());
                }
            }
            byte[] machine = null;
            PageSet memory = null;
            if (!d.state().equals(OvfDescriptor.OFF)) {
                String machineName = d.file(Payload.MACHINE).href();
                machine = Files.readAllBytes(folder.resolve(machineName));
                long ram;
                try {
                    ram = VmStateCodec.ramBytes(machine);
                } catch (IllegalArgumentException e) {
                    throw ImageRefused.of(ova, machineName, e.getMessage());
                }
                if (ram != d.memoryBytes()) {
                    throw ImageRefused.of(ova, machineName, "is a machine with " + ram + " bytes of RAM; the descriptor says "
                            + d.memoryBytes());
                }
                memory = pages(ova, d, folder.resolve(d.file(Payload.MEMORY).href()));
            }
            List<String> history = history(ova, d, folder);
            return new VmBundle(d.definition(), image, disk, machine, memory, d.state().equals(OvfDescriptor.PAUSED), history);
        } catch (IOException e) {
            throw ImageRefused.of(ova, null, "cannot be unpacked: " + e.getMessage());
        }
    }

    private static void decrypt(String ova, OvfDescriptor d, Path folder, byte[] descriptorDigest, Supplier<char[]> passphrase) {
        char[] secret = passphrase.get();
        if (secret == null || secret.length == 0) {
            throw ImageRefused.of(ova, null, "is encrypted: give its passphrase (HVLAB_PASSPHRASE, or at the shell's prompt)");
        }
        PayloadCipher cipher;
        try {
            cipher = PayloadCipher.unlock(secret, d.encryption());
        } finally {
            Arrays.fill(secret, '\0');
        }
        if (cipher == null) {
            throw ImageRefused.of(ova, null, "wrong passphrase: it does not unlock this image's key");
        }
        for (FileRef ref : d.files()) {
            Path sealed = folder.resolve(ref.href());
            Path plain = folder.resolve(ref.href() + ".plain");
            try (InputStream in = new BufferedInputStream(Files.newInputStream(sealed), 1 << 16);
                 OutputStream out = new BufferedOutputStream(Files.newOutputStream(plain), 1 << 16)) {
                cipher.open(in, ref.size(), out, ref.href(), descriptorDigest);
            } catch (AEADBadTagException e) {
                throw ImageRefused.of(ova, ref.href(), "does not decrypt: it, or the descriptor, was changed after it was encrypted");
            } catch (IOException e) {
                throw ImageRefused.of(ova, ref.href(), "cannot be decrypted: " + e.getMessage());
            }
            try {
                Files.move(plain, sealed, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw ImageRefused.of(ova, ref.href(), "cannot be unpacked: " + e.getMessage());
            }
        }
    }

    /** The memory file, read by PageSet (which checks every page number), for exactly this RAM, nothing after it. */
    private static PageSet pages(String ova, OvfDescriptor d, Path file) throws IOException {
        String name = file.getFileName().toString();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            PageSet pages;
            try {
                pages = PageSet.read(in);
            } catch (IOException e) {
                throw ImageRefused.of(ova, name, e.getMessage());
            }
            if (pages.ramBytes() != d.memoryBytes() || !pages.full()) {
                throw ImageRefused.of(ova, name, "is " + (pages.full() ? "" : "an incremental set of ") + "pages of "
                        + pages.ramBytes() + " bytes of RAM; the descriptor says " + d.memoryBytes());
            }
            if (in.read() != -1) {
                throw ImageRefused.of(ova, name, "goes on after its last page");
            }
            return pages;
        }
    }

    private static List<String> history(String ova, OvfDescriptor d, Path folder) throws IOException {
        FileRef ref = d.file(Payload.HISTORY);
        if (ref == null) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        int number = 0;
        for (String line : Files.readString(folder.resolve(ref.href()), StandardCharsets.UTF_8).split("\n")) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (IOException e) {
                event = null;
            }
            if (event == null || !event.isObject() || !event.has("event")) {
                throw ImageRefused.of(ova, ref.href(), "line " + number + " is not a history event");
            }
            lines.add(line);
        }
        return lines;
    }
}
