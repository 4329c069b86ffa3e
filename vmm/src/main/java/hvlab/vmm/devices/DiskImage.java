package hvlab.vmm.devices;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a virtual disk drive reads and writes: numbered 512-byte sectors kept somewhere on the
 * host. Two kinds: a {@link RawDisk} (one plain file, as {@code dd} makes) and an
 * {@link OverlayDisk} (a copy-on-write layer over another disk, how snapshots keep a disk
 * without copying it). {@link #open} tells them apart by the file's first bytes.
 */
public sealed interface DiskImage extends AutoCloseable permits RawDisk, OverlayDisk {
    int SECTOR_BYTES = 512;
    /** The most sectors 28-bit LBA addresses: IDENTIFY words 60-61 hold at most 0x0FFFFFFF. */
    long MAX_SECTORS = (1L << 28) - 1;

    /** The disk's size in sectors. */
    long sectors();

    boolean writable();

    /** A name for messages: the file's path. */
    String name();

    /** Reads sector {@code lba} into {@code into} (512 bytes). */
    void read(long lba, byte[] into) throws IOException;

    /** Writes {@code from} (512 bytes) to sector {@code lba}. */
    void write(long lba, byte[] from) throws IOException;

    /** Pushes what was written down to the host's storage (the drive's FLUSH CACHE). */
    void flush() throws IOException;

    @Override
    void close();

    /** Opens the disk at {@code path} for one VM, read-write where the host allows it. */
    static DiskImage open(Path path) {
        return open(path, true);
    }

    /**
     * Opens a raw disk or an overlay (and, under it, its chain of lower layers, read-only).
     *
     * @throws IllegalArgumentException naming the file, if it is missing or not a disk
     */
    static DiskImage open(Path path, boolean writable) {
        if (OverlayDisk.isOverlay(path)) {
            return OverlayDisk.open(path, writable);
        }
        return RawDisk.open(path, writable);
    }

    /** Do the file's first bytes say {@code magic}? */
    static boolean startsWith(Path path, byte[] magic) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(path)) {
            return Arrays.equals(in.readNBytes(magic.length), magic);
        } catch (IOException e) {
            return false;
        }
    }
}
