package hvlab.vmmm.patch;

import hvlab.vmm.devices.DiskImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The offline patcher against hvos's file-system layout, and against images that lie about it. */
class HvfsImageTest {
    @TempDir
    Path dir;

    /** An image as mkfs makes it: superblock, 4 directory sectors, then {@code README} (one sector) and {@code hello} (two). */
    Path image(int magic, int files, int readmeStart) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(512 * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, magic).putInt(4, files).putInt(8, 8);
        entry(b, 0, "README", readmeStart, 300);
        entry(b, 1, "hello", 6, 700);
        b.put(512 * 5, "old readme".getBytes(StandardCharsets.US_ASCII));
        Path file = dir.resolve("disk.img");
        Files.write(file, b.array());
        return file;
    }

    static void entry(ByteBuffer b, int i, String name, int start, int size) {
        int at = 512 + i * 32;
        b.put(at, name.getBytes(StandardCharsets.US_ASCII));
        b.putInt(at + 24, start).putInt(at + 28, size);
    }

    @Test
    void replacesAFileInItsPlaceAndUpdatesItsSize() throws Exception {
        Path file = image(HvfsImage.MAGIC, 2, 5);
        byte[] text = "patched readme\n".getBytes(StandardCharsets.US_ASCII);
        try (DiskImage disk = DiskImage.open(file, true)) {
            HvfsImage.replace(disk, "README", text);
            assertArrayEquals(text, HvfsImage.read(disk, "README"));
            assertEquals(700, HvfsImage.read(disk, "hello").length, "the other file is untouched");
            var e = assertThrows(IllegalArgumentException.class, () -> HvfsImage.replace(disk, "README", new byte[513]));
            assertEquals("the new README needs 2 sectors and its place has 1: hvos's file system cannot grow a file", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> HvfsImage.replace(disk, "nosuch", text));
        }
    }

    @Test
    void hostileImagesAreOneClearLine() throws Exception {
        try (DiskImage disk = DiskImage.open(image(0x12345678, 2, 5), true)) {
            assertEquals("the disk holds no hvos file system (no HVFS magic)",
                    assertThrows(IllegalArgumentException.class, () -> HvfsImage.replace(disk, "README", new byte[1])).getMessage());
        }
        try (DiskImage disk = DiskImage.open(image(HvfsImage.MAGIC, -1, 5), true)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> HvfsImage.replace(disk, "README", new byte[1]))
                    .getMessage().contains("more than its directory holds"));
        }
        try (DiskImage disk = DiskImage.open(image(HvfsImage.MAGIC, 2, 0x7fffffff), true)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> HvfsImage.replace(disk, "README", new byte[1]))
                    .getMessage().contains("outside the disk's 8"));
        }
        try (DiskImage disk = DiskImage.open(image(HvfsImage.MAGIC, 2, 2), true)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> HvfsImage.replace(disk, "README", new byte[1]))
                    .getMessage().contains("outside the disk"), "a file may not overlay the superblock or directory");
        }
    }
}
