package hvlab.vmmm.patch;

import hvlab.vmm.devices.DiskImage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Replaces one file of hvos's file system on a disk image, the way an offline patch tool
 * works on a VM's disk while the VM is off (guests/src/main/c/hvos/include/fsformat.h: sector 0
 * the superblock, sectors 1-4 the directory of 32-byte entries, each file in consecutive
 * sectors). Every field is read as hostile: the image is the guest's, and a guest may have
 * written anything there.
 */
public final class HvfsImage {
    static final int SECTOR = 512;
    static final int MAGIC = 0x53465648;
    static final int DIR_SECTORS = 4;
    static final int ENTRY = 32;
    static final int NAME_MAX = 24;

    private HvfsImage() {}

    /** Writes {@code content} as file {@code name}, in the sectors it has now (the file system cannot move files). */
    public static void replace(DiskImage disk, String name, byte[] content) throws IOException {
        byte[] sector = new byte[SECTOR];
        disk.read(0, sector);
        ByteBuffer superblock = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
        if (superblock.getInt(0) != MAGIC) throw new IllegalArgumentException("the disk holds no hvos file system (no HVFS magic)");
        long files = Integer.toUnsignedLong(superblock.getInt(4));
        if (files > DIR_SECTORS * SECTOR / ENTRY) throw new IllegalArgumentException("the file system says it has " + files + " files: more than its directory holds");
        byte[] directory = new byte[DIR_SECTORS * SECTOR];
        for (int i = 0; i < DIR_SECTORS; i++) {
            disk.read(1 + i, sector);
            System.arraycopy(sector, 0, directory, i * SECTOR, SECTOR);
        }
        ByteBuffer dir = ByteBuffer.wrap(directory).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < files; i++) {
            int at = i * ENTRY;
            if (!nameAt(directory, at).equals(name)) continue;
            long start = Integer.toUnsignedLong(dir.getInt(at + NAME_MAX));
            long size = Integer.toUnsignedLong(dir.getInt(at + NAME_MAX + 4));
            long room = (size + SECTOR - 1) / SECTOR;
            if (start < 1 + DIR_SECTORS || start + room > disk.sectors()) {
                throw new IllegalArgumentException(name + " lies at sectors " + start + "+" + room + ", outside the disk's " + disk.sectors());
            }
            long needed = (content.length + SECTOR - 1) / SECTOR;
            if (needed > room) {
                throw new IllegalArgumentException("the new " + name + " needs " + needed + " sectors and its place has " + room
                        + ": hvos's file system cannot grow a file");
            }
            for (long s = 0; s < needed; s++) {
                byte[] out = new byte[SECTOR];
                System.arraycopy(content, (int) (s * SECTOR), out, 0, (int) Math.min(SECTOR, content.length - s * SECTOR));
                disk.write(start + s, out);
            }
            dir.putInt(at + NAME_MAX + 4, content.length);
            int entrySector = at / SECTOR;
            System.arraycopy(directory, entrySector * SECTOR, sector, 0, SECTOR);
            disk.write(1 + entrySector, sector);
            disk.flush();
            return;
        }
        throw new IllegalArgumentException("the disk's file system has no file " + name);
    }

    /** What file {@code name} holds now, or null if there is none (for checks and tests). */
    public static byte[] read(DiskImage disk, String name) throws IOException {
        byte[] directory = new byte[DIR_SECTORS * SECTOR];
        byte[] sector = new byte[SECTOR];
        disk.read(0, sector);
        long files = Math.min(DIR_SECTORS * SECTOR / ENTRY, Integer.toUnsignedLong(ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN).getInt(4)));
        for (int i = 0; i < DIR_SECTORS; i++) {
            disk.read(1 + i, sector);
            System.arraycopy(sector, 0, directory, i * SECTOR, SECTOR);
        }
        ByteBuffer dir = ByteBuffer.wrap(directory).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < files; i++) {
            if (!nameAt(directory, i * ENTRY).equals(name)) continue;
            long start = Integer.toUnsignedLong(dir.getInt(i * ENTRY + NAME_MAX));
            long size = Math.min(1 << 20, Integer.toUnsignedLong(dir.getInt(i * ENTRY + NAME_MAX + 4)));
            byte[] out = new byte[(int) size];
            for (long s = 0; s * SECTOR < size; s++) {
                if (start + s >= disk.sectors()) throw new IllegalArgumentException(name + " runs past the end of the disk");
                disk.read(start + s, sector);
                System.arraycopy(sector, 0, out, (int) (s * SECTOR), (int) Math.min(SECTOR, size - s * SECTOR));
            }
            return out;
        }
        return null;
    }

    private static String nameAt(byte[] directory, int at) {
        int end = at;
        while (end < at + NAME_MAX - 1 && directory[end] != 0) end++; // the last byte is a NUL, whatever the image says
        return new String(directory, at, end - at, StandardCharsets.US_ASCII);
    }
}
