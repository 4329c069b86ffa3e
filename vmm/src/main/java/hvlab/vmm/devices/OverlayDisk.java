package hvlab.vmm.devices;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A copy-on-write layer over another disk: the trick behind disk snapshots in QEMU's qcow2
 * ("backing files"), VMware's delta disks and LVM's snapshots. A layer starts empty; a write puts
 * the sector into the layer and marks it in the layer's map; a read takes the sector from the
 * layer if the map says it is there, and from the layer below if not. Taking a snapshot then
 * costs nothing: the current top layer is frozen (never written again, it belongs to the
 * snapshot) and a new, empty one goes on top. Reverting to a snapshot puts a new empty layer on
 * top of the snapshot's frozen one. No disk is ever copied whole.
 *
 * <p>The file, one per layer:
 * <pre>
 *   0      "HVOVL001"                      magic
 *   8      u64 sectors                     the disk's size
 *   16     u16 n, then n bytes UTF-8       the layer below: a path relative to this file's folder
 *   4096   the map: one bit per sector, 1 = the sector is in this layer
 *   data   sector i at data + 512 * i      (a sparse file: unwritten sectors take no room)
 * </pre>
 * A write stores the data first and sets the map bit after it, so a crash between the two loses
 * only that write: the old sector shows, never a half-written one.
 */
public final class OverlayDisk implements DiskImage {
    static final byte[] MAGIC = "HVOVL001".getBytes(StandardCharsets.US_ASCII);
    private static final int MAP_START = 4096;

    private final FileChannel channel;
    private final DiskImage lower;
    private final long sectors;
    private final boolean writable;
    private final String name;
    private final BitSet present;
    private final long dataStart;

    private OverlayDisk(FileChannel channel, DiskImage lower, long sectors, boolean writable, String name, BitSet present) {
        this.channel = channel;
        this.lower = lower;
        this.sectors = sectors;
        this.writable = writable;
        this.name = name;
        this.present = present;
        this.dataStart = MAP_START + roundUp(mapBytes(sectors), 4096);
    }

    static boolean isOverlay(Path path) {
        return DiskImage.startsWith(path, MAGIC);
    }

    /** Creates an empty layer at {@code path} over the disk at {@code lowerPath} (which must exist). */
    public static void create(Path path, Path lowerPath) throws IOException {
        long sectors;
        try (DiskImage lower = DiskImage.open(lowerPath, false)) {
            sectors = lower.sectors();
        }
        Path folder = path.toAbsolutePath().getParent();
        String relative = folder.relativize(lowerPath.toAbsolutePath()).toString();
        byte[] parent = relative.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(MAP_START).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putLong(sectors).putShort((short) parent.length).put(parent);
        header.rewind();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(channel, header, 0);
            channel.truncate(MAP_START + roundUp(mapBytes(sectors), 4096));
            channel.force(true);
        }
    }

    /** The disk a layer lies on, or null if {@code path} is not a layer (a raw disk, the bottom of a chain). */
    public static Path lowerOf(Path path) {
        if (!isOverlay(path)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(MAP_START).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, header, 0);
            header.flip().position(MAGIC.length + 8);
            int length = Short.toUnsignedInt(header.getShort());
            if (length == 0 || length > MAP_START - 32) {
                return null;
            }
            byte[] parent = new byte[length];
            header.get(parent);
            return path.toAbsolutePath().getParent().resolve(new String(parent, StandardCharsets.UTF_8)).normalize();
        } catch (IOException e) {
            return null;
        }
    }

    /** Opens a layer and the chain below it (below it, always read-only). */
    static OverlayDisk open(Path path, boolean wantWrite) {
        FileChannel channel = null;
        try {
            channel = wantWrite && Files.isWritable(path)
                    ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ);
            ByteBuffer header = ByteBuffer.allocate(MAP_START).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, header, 0);
            header.flip();
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            long sectors = header.getLong();
            int length = Short.toUnsignedInt(header.getShort());
            if (!Arrays.equals(magic, MAGIC) || sectors <= 0 || sectors > MAX_SECTORS || length == 0 || length > MAP_START - 32) {
                throw new IllegalArgumentException("disk layer " + path + " has a damaged header");
            }
            byte[] parent = new byte[length];
            header.get(parent);
            Path lowerPath = path.toAbsolutePath().getParent().resolve(new String(parent, StandardCharsets.UTF_8)).normalize();
            DiskImage lower = DiskImage.open(lowerPath, false);
            if (lower.sectors() != sectors) {
                lower.close();
                throw new IllegalArgumentException("disk layer " + path + " has " + sectors + " sectors, the disk below it " + lower.sectors());
            }
            ByteBuffer map = ByteBuffer.allocate((int) mapBytes(sectors));
            readFully(channel, map, MAP_START);
            BitSet present = BitSet.valueOf(map.flip());
            return new OverlayDisk(channel, lower, sectors, wantWrite && channel.isOpen() && Files.isWritable(path),
                    path.toString(), present);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalArgumentException("cannot open disk layer " + path + ": " + e.getMessage());
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

    /** How many sectors this layer itself holds (the rest come from below). */
    public int sectorsInLayer() {
        return present.cardinality();
    }

    @Override
    public void read(long lba, byte[] into) throws IOException {
        if (present.get((int) lba)) {
            readFully(channel, ByteBuffer.wrap(into, 0, SECTOR_BYTES), dataStart + lba * SECTOR_BYTES);
        } else {
            lower.read(lba, into);
        }
    }

    @Override
    public void write(long lba, byte[] from) throws IOException {
        if (!writable) {
            throw new IOException("disk layer " + name + " is frozen (it belongs to a snapshot)");
        }
        writeFully(channel, ByteBuffer.wrap(from, 0, SECTOR_BYTES), dataStart + lba * SECTOR_BYTES);
        if (!present.get((int) lba)) {
            present.set((int) lba);
            int index = (int) (lba / 8);
            int bits = 0;
            for (int bit = 0; bit < 8; bit++) {
                if (present.get(index * 8 + bit)) bits |= 1 << bit;
            }
            writeFully(channel, ByteBuffer.wrap(new byte[] {(byte) bits}), MAP_START + index);
        }
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() {
        closeQuietly(channel);
        lower.close();
    }

    private static long mapBytes(long sectors) {
        return (sectors + 7) / 8;
    }

    private static long roundUp(long n, long to) {
        return (n + to - 1) / to * to;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                // a sparse layer ends where its last written sector ends: the rest reads as zeros
                while (buffer.hasRemaining()) buffer.put((byte) 0);
                return;
            }
            at += n;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to keep: every write went through at once
            }
        }
    }
}
