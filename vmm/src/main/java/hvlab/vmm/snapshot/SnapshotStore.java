package hvlab.vmm.snapshot;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A VM's snapshots on disk: {@code snapshots/ID/} holds {@code snapshot.json} (the
 * {@link SnapshotRecord}), {@code machine.json} and {@code memory.pages}; {@code snapshots/current}
 * names the snapshot the running VM descends from.
 *
 * <p>A snapshot appears whole or not at all: its files are written into a hidden folder beside
 * the others, forced to disk, and the folder is renamed into place in one step (a rename is
 * atomic on POSIX file systems). A process killed while writing leaves only a hidden folder,
 * which the next look at the store clears away; every earlier snapshot is as it was. Replacing a
 * snapshot's files (when a parent is deleted and merged into it) writes each file atomically in
 * turn, each new file valid on its own.
 */
public final class SnapshotStore {
    private static final String FOLDER = "snapshots";
    private static final String CURRENT = "current";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    /** @param vmFolder the VM's folder in the host's store */
    public SnapshotStore(Path vmFolder) {
        this.root = vmFolder.resolve(FOLDER);
    }

    public List<SnapshotRecord> list() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        clearUnfinished();
        List<SnapshotRecord> records = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path folder : folders) {
                Path record = folder.resolve("snapshot.json");
                if (Files.isRegularFile(record)) {
                    records.add(JSON.readValue(record.toFile(), SnapshotRecord.class));
                }
            }
        }
        records.sort(Comparator.comparing(SnapshotRecord::created));
        return records;
    }

    public Optional<SnapshotRecord> byName(String name) throws IOException {
        return list().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public Optional<SnapshotRecord> byId(String id) throws IOException {
        return list().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** Writes a new snapshot: record, machine (null for a shut-off VM) and memory, appearing at once. */
    public void create(SnapshotRecord record, byte[] machine, PageSet memory) throws IOException {
        Files.createDirectories(root);
        Path hidden = root.resolve("." + record.id() + ".writing");
        Files.createDirectories(hidden);
        if (machine != null) {
            writeSynced(hidden.resolve("machine.json"), machine);
            writeSynced(hidden.resolve("memory.pages"), bytes(memory));
        }
        writeSynced(hidden.resolve("snapshot.json"), JSON.writeValueAsBytes(record));
        force(hidden);
        move(hidden, root.resolve(record.id()));
        force(root);
    }

    public byte[] machine(SnapshotRecord record) throws IOException {
        return Files.readAllBytes(root.resolve(record.id()).resolve("machine.json"));
    }

    public PageSet memory(SnapshotRecord record) throws IOException {
        try (InputStream in = Files.newInputStream(root.resolve(record.id()).resolve("memory.pages"))) {
            return PageSet.read(in);
        }
    }

    /** Replaces a snapshot's memory and record (merging a deleted parent into it): memory first, then the record. */
    public void rewrite(SnapshotRecord record, PageSet memory) throws IOException {
        Path folder = root.resolve(record.id());
        if (memory != null) {
            replace(folder.resolve("memory.pages"), bytes(memory));
        }
        replace(folder.resolve("snapshot.json"), JSON.writeValueAsBytes(record));
    }

    /** Removes a snapshot: renamed out of sight first, so it is gone at once, then its files. */
    public void delete(SnapshotRecord record) throws IOException {
        Path folder = root.resolve(record.id());
        Path hidden = root.resolve("." + record.id() + ".deleting");
        move(folder, hidden);
        force(root);
        removeTree(hidden);
    }

    /** The snapshot the running VM descends from, if any. */
    public Optional<String> current() throws IOException {
        Path file = root.resolve(CURRENT);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String id = Files.readString(file, StandardCharsets.UTF_8).strip();
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    public void setCurrent(String id) throws IOException {
        Files.createDirectories(root);
        replace(root.resolve(CURRENT), (id == null ? "" : id).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Hidden work left by a process that died while writing or deleting a snapshot: folders being
     * written or deleted, and the temporary files of an atomic replace (".current.new", or
     * ".memory.pages.new" inside a snapshot), all of them not yet renamed into place.
     */
    private void clearUnfinished() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path path : entries) {
                if (isHidden(path)) {
                    removeTree(path);
                } else if (Files.isDirectory(path)) {
                    try (DirectoryStream<Path> temps = Files.newDirectoryStream(path, SnapshotStore::isHidden)) {
                        for (Path temp : temps) {
                            removeTree(temp);
                        }
                    }
                }
            }
        }
    }

    private static boolean isHidden(Path path) {
        return path.getFileName().toString().startsWith(".");
    }

    private static byte[] bytes(PageSet memory) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        memory.write(out);
        return out.toByteArray();
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            var buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Atomic replace of one file: a temporary beside it, forced, renamed over it. */
    private static void replace(Path file, byte[] bytes) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".new");
        writeSynced(temp, bytes);
        move(temp, file);
        force(file.getParent());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void force(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupported) {
            // some file systems cannot sync a folder; the rename is still atomic there
        }
    }

    private static void removeTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
