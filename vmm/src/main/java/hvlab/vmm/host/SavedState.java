package hvlab.vmm.host;

import hvlab.vmm.snapshot.PageSet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A machine kept in a VM's folder to be taken up at its next start, as libvirt's "managed save":
 * an imported image or a restored backup of a running VM resumes where it was instead of booting.
 * The folder {@code saved/} holds {@code machine.json}, {@code memory.pages} and, when the VM was
 * paused, a {@code paused} marker; it is removed once the machine runs again.
 */
final class SavedState {
    static final String FOLDER = "saved";

    record Contents(byte[] machine, PageSet memory, boolean paused) {}

    private SavedState() {}

    static boolean exists(Path vmFolder) {
        return Files.isRegularFile(vmFolder.resolve(FOLDER).resolve("machine.json"));
    }

    static void write(Path vmFolder, byte[] machine, PageSet memory, boolean paused) throws IOException {
        Path folder = vmFolder.resolve(FOLDER);
        Files.createDirectories(folder);
        ByteArrayOutputStream pages = new ByteArrayOutputStream();
        memory.write(pages);
        VmStore.writeAtomically(folder.resolve("memory.pages"), pages.toByteArray());
        if (paused) {
            VmStore.writeAtomically(folder.resolve("paused"), "paused\n".getBytes(StandardCharsets.UTF_8));
        }
        // The machine last: a saved state without its machine file does not count as one.
        VmStore.writeAtomically(folder.resolve("machine.json"), machine);
    }

    static Contents read(Path vmFolder) {
        Path folder = vmFolder.resolve(FOLDER);
        try (InputStream pages = Files.newInputStream(folder.resolve("memory.pages"))) {
            return new Contents(Files.readAllBytes(folder.resolve("machine.json")), PageSet.read(pages),
                    Files.exists(folder.resolve("paused")));
        } catch (IOException e) {
            throw new HostException("the saved machine of " + vmFolder.getFileName() + " cannot be read: " + e.getMessage());
        }
    }

    static void delete(Path vmFolder) {
        Path folder = vmFolder.resolve(FOLDER);
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new HostException("cannot remove the saved machine of " + vmFolder.getFileName() + ": " + e.getMessage());
        }
    }
}
