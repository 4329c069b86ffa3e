package hvlab.vmm.devices;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw disk image: a host file whose byte {@code 512 * n} starts sector n, the format QEMU
 * calls "raw" and {@code dd} makes. Sectors are read and written where they lie in the file,
 * one at a time through a {@link FileChannel}; nothing is cached here, so the file is the disk
 * (the host's page cache does the caching, as it would for QEMU with {@code cache=writeback}).
 *
 * <p>A file the VMM may not write is opened read-only, and every write to it fails, which the
 * drive reports to the guest as an aborted command. Bytes after the last whole sector are not
 * part of the disk. A disk larger than 28-bit LBA can address shows its first 2^28 - 1 sectors
 * (128 GiB), as an old controller would.
 */
public final class RawDisk implements DiskImage {
    private final FileChannel channel;
    private final long sectors;
    private final boolean writable;
    private final String name;

    /** For tests and callers that opened the file themselves: {@code sectors} must fit in the file. */
    RawDisk(FileChannel channel, long sectors, boolean writable, String name) {
        this.channel = channel;
        this.sectors = sectors;
        this.writable = writable;
        this.name = name;
    }

    /**
     * Opens a raw image for one VM, read-write if {@code wantWrite} and the host allows it, else
     * read-only.
     *
     * @throws IllegalArgumentException naming the file, if it is missing, not a file, shorter than one sector or unreadable
     */
    static RawDisk open(Path path, boolean wantWrite) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("disk image " + path + ": no such file");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("disk image " + path + " is not a regular file");
        }
        FileChannel channel;
        boolean writable = true;
        try {
            if (!wantWrite) {
                channel = FileChannel.open(path, StandardOpenOption.READ);
                writable = false;
            } else {
                try {
                    channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (AccessDeniedException e) {
                    channel = FileChannel.open(path, StandardOpenOption.READ);
                    writable = false;
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot open disk image " + path + ": " + e.getMessage());
        }
        try {
            long size = channel.size();
            if (size < SECTOR_BYTES) {
                throw new IllegalArgumentException("disk image " + path + " is too small: " + size
                        + " bytes, and a disk needs at least one " + SECTOR_BYTES + "-byte sector");
            }
            return new RawDisk(channel, Math.min(size / SECTOR_BYTES, MAX_SECTORS), writable, path.toString());
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalArgumentException("cannot read the size of disk image " + path + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public long sectors() {
        return sectors;
    }

    @Override
    public boolean writable() {
        return writable;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void read(long lba, byte[] into) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into, 0, SECTOR_BYTES);
        long position = lba * SECTOR_BYTES;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new EOFException("disk image " + name + " ends inside sector " + lba);
            }
        }
    }

    @Override
    public void write(long lba, byte[] from) throws IOException {
        if (!writable) {
            throw new IOException("disk image " + name + " is read-only");
        }
        ByteBuffer buffer = ByteBuffer.wrap(from, 0, SECTOR_BYTES);
        long position = lba * SECTOR_BYTES;
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer, position + buffer.position());
            }
        } catch (NonWritableChannelException e) {
            throw new IOException("disk image " + name + " was opened read-only", e);
        }
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a file we only read and wrote through: nothing is lost that flush would keep
        }
    }
}
