package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Copy-on-write disk layers: writes land in the top layer, reads fall through, lower layers never change. */
class OverlayDiskTest {
    static final int SECTORS = 64;
    @TempDir
    Path dir;

    Path raw() throws IOException {
        Path file = dir.resolve("base.img");
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            for (int s = 0; s < SECTORS; s++) {
                byte[] sector = new byte[512];
                Arrays.fill(sector, (byte) s);
                out.write(sector);
            }
        }
        return file;
    }

    static byte[] sector(DiskImage disk, long lba) throws IOException {
        byte[] data = new byte[512];
        disk.read(lba, data);
        return data;
    }

    static byte[] filled(int value) {
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) value);
        return data;
    }

    @Test
    void writesGoToTheTopLayerAndReadsFallThrough() throws Exception {
        Path base = raw();
        byte[] baseBefore = Files.readAllBytes(base);
        Path layer = dir.resolve("one.ovl");
        OverlayDisk.create(layer, base);
        try (DiskImage disk = DiskImage.open(layer)) {
            assertInstanceOf(OverlayDisk.class, disk);
            assertEquals(SECTORS, disk.sectors());
            disk.write(5, filled(0xAA));
            assertArrayEquals(filled(0xAA), sector(disk, 5));
            assertArrayEquals(filled(6), sector(disk, 6), "unwritten sectors come from below");
            assertEquals(1, ((OverlayDisk) disk).sectorsInLayer());
        }
        assertArrayEquals(baseBefore, Files.readAllBytes(base), "the disk below is never written");
        try (DiskImage again = DiskImage.open(layer)) {
            assertArrayEquals(filled(0xAA), sector(again, 5), "the layer keeps what was written");
        }
    }

    @Test
    void aChainOfLayersIsTheSnapshotTreeOfADisk() throws Exception {
        Path base = raw();
        Path first = dir.resolve("first.ovl");
        OverlayDisk.create(first, base);
        try (DiskImage disk = DiskImage.open(first)) {
            disk.write(1, filled(0x11));
        }
        // A snapshot freezes 'first'; two branches grow from it.
        Path left = dir.resolve("left.ovl");
        Path right = dir.resolve("right.ovl");
        OverlayDisk.create(left, first);
        OverlayDisk.create(right, first);
        try (DiskImage a = DiskImage.open(left); DiskImage b = DiskImage.open(right)) {
            a.write(2, filled(0x22));
            b.write(2, filled(0x33));
            assertArrayEquals(filled(0x11), sector(a, 1));
            assertArrayEquals(filled(0x11), sector(b, 1));
            assertArrayEquals(filled(0x22), sector(a, 2));
            assertArrayEquals(filled(0x33), sector(b, 2));
            assertArrayEquals(filled(3), sector(a, 3));
        }
        try (DiskImage frozen = DiskImage.open(first, false)) {
            assertFalse(frozen.writable());
            assertThrows(IOException.class, () -> frozen.write(0, filled(0)));
        }
    }

    @Test
    void aDamagedLayerOrAMissingLowerDiskIsRefusedNamingTheFile() throws Exception {
        Path base = raw();
        Path layer = dir.resolve("gone.ovl");
        OverlayDisk.create(layer, base);
        Files.delete(base);
        var e = assertThrows(IllegalArgumentException.class, () -> DiskImage.open(layer));
        assertTrue(e.getMessage().contains("base.img"), e.getMessage());
        Path damaged = dir.resolve("damaged.ovl");
        Files.write(damaged, Arrays.copyOf(OverlayDisk.MAGIC, 40));
        e = assertThrows(IllegalArgumentException.class, () -> DiskImage.open(damaged));
        assertTrue(e.getMessage().contains("damaged.ovl"), e.getMessage());
    }
}
