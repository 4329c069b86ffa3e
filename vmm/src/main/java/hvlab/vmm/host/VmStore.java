package hvlab.vmm.host;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a host keeps its defined VMs: one folder per VM under {@code <store>/vms/}, holding the
 * definition ({@code vm.json}), the guest image and, when it has one, the disk.
 *
 * <p>Every file is written atomically: to a temporary file in the same folder, forced to disk
 * ({@code fsync}), then renamed over the old one, and the folder itself forced. A crash at any
 * moment leaves either the old file or the new one, never half of one: the same discipline
 * databases and package managers use.
 */
public final class VmStore {
    /** VM names: what a person types, safe as a folder name. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    static final String DEFINITION = "vm.json";
    static final String IMAGE = "image.bin";

    private final Path root;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Opens (creating if need be) the store at {@code root}; fails with one line if it cannot be used. */
    public VmStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(vms());
            Path probe = Files.createTempFile(vms(), ".probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new HostException("cannot use the store " + root + ": " + reason(e));
        }
    }

    public Path root() {
        return root;
    }

    private Path vms() {
        return root.resolve("vms");
    }

    public static void checkName(String name) {
        checkName(name, "VM name");
    }

    /** Names become file names, so only these characters: nothing can climb out of the store. */
    public static void checkName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new HostException("'" + name + "' is not a " + what + ": use letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    public Path folder(String name) {
        checkName(name);
        return vms().resolve(name);
    }

    public boolean exists(String name) {
        return Files.isRegularFile(folder(name).resolve(DEFINITION));
    }

    /** Every VM defined in the store, by name. A folder that does not hold a readable definition is skipped. */
    public List<VmDefinition> list() {
        List<VmDefinition> out = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(vms())) {
            for (Path folder : folders) {
                Path definition = folder.resolve(DEFINITION);
                if (Files.isRegularFile(definition)) {
                    try {
                        out.add(json.readValue(definition.toFile(), VmDefinition.class));
                    } catch (IOException unreadable) {
                        // a damaged definition does not take the others down with it
                    }
                }
            }
        } catch (IOException e) {
            throw new HostException("cannot read the store " + root + ": " + reason(e));
        }
        out.sort(Comparator.comparing(VmDefinition::name));
        return out;
    }

    public VmDefinition load(String name) {
        Path definition = folder(name).resolve(DEFINITION);
        try {
            return json.readValue(definition.toFile(), VmDefinition.class);
        } catch (IOException e) {
            throw new HostException("cannot read the definition of '" + name + "': " + reason(e));
        }
    }

    /** Writes the definition atomically (the VM's folder must exist: see {@link #createFolder}). */
    public void save(VmDefinition definition) {
        try {
            writeAtomically(folder(definition.name()).resolve(DEFINITION), json.writeValueAsBytes(definition));
        } catch (IOException e) {
            throw new HostException("cannot save the definition of '" + definition.name() + "': " + reason(e));
        }
    }

    public Path createFolder(String name) {
        Path folder = folder(name);
        try {
            Files.createDirectories(folder);
            return folder;
        } catch (IOException e) {
            throw new HostException("cannot create " + folder + ": " + reason(e));
        }
    }

    /** Writes {@code bytes} to {@code target}: temp file, fsync, rename, fsync of the folder. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path folder = target.getParent();
        Path temp = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            forceFolder(folder);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupported) {
            // some file systems cannot sync a directory; the rename is still atomic there
        }
    }

    /** Removes the VM's folder and everything in it. */
    public void delete(String name) {
        Path folder = folder(name);
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new HostException("cannot remove " + folder + ": " + reason(e));
        }
    }

    static String reason(Exception e) {
        String message = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or folder";
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
