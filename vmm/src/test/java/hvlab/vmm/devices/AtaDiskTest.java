package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The ATA disk driven through its ports the way a PIO driver does it. */
class AtaDiskTest {
    static final int DATA = 0x1F0, ERROR = 0x1F1, COUNT = 0x1F2, LBA_LOW = 0x1F3, LBA_MID = 0x1F4, LBA_HIGH = 0x1F5,
            DEVICE = 0x1F6, STATUS = 0x1F7, COMMAND = 0x1F7, CONTROL = 0x3F6;
    static final int SECTORS = 64;

    @TempDir
    Path dir;
    final List<Boolean> irq14 = new ArrayList<>();

    Path image(int sectors) throws IOException {
        Path file = dir.resolve("disk-" + sectors + ".img");
        byte[] bytes = new byte[sectors * 512];
        for (int s = 0; s < sectors; s++) bytes[s * 512] = (byte) s; // first byte of each sector: its number
        Files.write(file, bytes);
        return file;
    }

    AtaDisk disk(Path file) {
        return new AtaDisk(DiskImage.open(file), irq14::add, PlatformOptions.DiskLimits.UNLIMITED);
    }

    boolean irqHigh() {
        return !irq14.isEmpty() && irq14.getLast();
    }

    static void select(AtaDisk ata, long lba, int count) {
        ata.write(COUNT, 1, count);
        ata.write(LBA_LOW, 1, (int) lba & 0xFF);
        ata.write(LBA_MID, 1, (int) (lba >> 8) & 0xFF);
        ata.write(LBA_HIGH, 1, (int) (lba >> 16) & 0xFF);
        ata.write(DEVICE, 1, 0xE0 | (int) (lba >> 24) & 0x0F);
    }

    static byte[] readSector(AtaDisk ata) {
        assertEquals(AtaDisk.DRQ, ata.read(STATUS, 1) & (AtaDisk.BSY | AtaDisk.DRQ), "a sector is ready");
        byte[] sector = new byte[512];
        for (int i = 0; i < 512; i += 2) {
            int word = ata.read(DATA, 2);
            sector[i] = (byte) word;
            sector[i + 1] = (byte) (word >> 8);
        }
        return sector;
    }

    static void writeSector(AtaDisk ata, byte fill) {
        assertEquals(AtaDisk.DRQ, ata.read(0x3F6, 1) & (AtaDisk.BSY | AtaDisk.DRQ), "the drive wants data");
        for (int i = 0; i < 256; i++) ata.write(DATA, 2, (fill & 0xFF) * 0x0101);
    }

    @Test
    void identifyDescribesTheDisk() throws IOException {
        AtaDisk ata = disk(image(SECTORS));
        assertEquals(0x50, ata.read(STATUS, 1), "DRDY and DSC: ready");
        ata.write(DEVICE, 1, 0xA0);
        ata.write(COMMAND, 1, AtaDisk.IDENTIFY_DEVICE);
        assertTrue(irqHigh(), "IRQ14 when the block is ready");
        byte[] block = readSector(ata);
        assertFalse(irqHigh(), "reading the status acknowledged it");
        assertEquals(0x50, ata.read(STATUS, 1), "done: DRQ clear");
        int[] w = new int[256];
        for (int i = 0; i < 256; i++) w[i] = (block[2 * i] & 0xFF) | (block[2 * i + 1] & 0xFF) << 8;
        assertEquals(SECTORS, w[60] | w[61] << 16, "LBA28 capacity");
        assertEquals(0x0200, w[49] & 0x0200, "LBA supported");
        StringBuilder model = new StringBuilder();
        for (int i = 27; i <= 46; i++) model.append((char) (w[i] >> 8)).append((char) (w[i] & 0xFF));
        assertEquals("hvlab virtual disk", model.toString().trim());
        assertEquals(0xA5, w[255] & 0xFF);
        int sum = 0;
        for (byte b : block) sum += b & 0xFF;
        assertEquals(0, sum & 0xFF, "the checksum byte makes the block sum to 0");
    }

    @Test
    void readSectorsInterruptsOncePerSectorAndCountZeroMeans256() throws IOException {
        AtaDisk ata = disk(image(300));
        select(ata, 3, 2);
        ata.write(COMMAND, 1, AtaDisk.READ_SECTORS);
        assertTrue(irqHigh());
        assertEquals(3, readSector(ata)[0]);
        assertTrue(irqHigh(), "the second sector interrupted again");
        assertEquals(4, readSector(ata)[0]);
        assertEquals(0x50, ata.read(STATUS, 1));
        assertEquals(0xFFFF, ata.read(DATA, 2), "no data left: the data port reads all ones");

        select(ata, 10, 0);
        ata.write(COMMAND, 1, AtaDisk.READ_SECTORS);
        for (int s = 10; s < 266; s++) assertEquals((byte) s, readSector(ata)[0]);
        assertEquals(0x50, ata.read(STATUS, 1), "exactly 256 sectors");
    }

    @Test
    void writeSectorsReachTheFileAndInterruptAfterEachSector() throws IOException {
        Path file = image(SECTORS);
        AtaDisk ata = disk(file);
        select(ata, 5, 2);
        ata.write(COMMAND, 1, AtaDisk.WRITE_SECTORS);
        assertFalse(irqHigh(), "no interrupt before the first sector of a write");
        writeSector(ata, (byte) 0xAB);
        assertTrue(irqHigh(), "the first sector is written");
        ata.read(STATUS, 1);
        // 32-bit OUTs move two words each, as REP OUTSD does
        for (int i = 0; i < 128; i++) ata.write(DATA, 4, 0xCDCDCDCD);
        assertTrue(irqHigh());
        assertEquals(0x50, ata.read(STATUS, 1));
        byte[] bytes = Files.readAllBytes(file);
        assertEquals((byte) 0xAB, bytes[5 * 512 + 100]);
        assertEquals((byte) 0xCD, bytes[6 * 512 + 511]);
        assertEquals(7, bytes[7 * 512], "the next sector is untouched");
    }

    @Test
    void addressesBeyondTheDiskAreIdnf() throws IOException {
        AtaDisk ata = disk(image(SECTORS));
        select(ata, SECTORS - 1, 2);
        ata.write(COMMAND, 1, AtaDisk.READ_SECTORS);
        assertEquals(0x51, ata.read(STATUS, 1), "DRDY, DSC, ERR");
        assertEquals(AtaDisk.ERROR_IDNF, ata.read(ERROR, 1));
        assertEquals(SECTORS, ata.read(LBA_LOW, 1), "the LBA registers name the first missing sector");
        select(ata, 0x0FFFFFFF, 1);
        ata.write(COMMAND, 1, AtaDisk.WRITE_SECTORS);
        assertEquals(AtaDisk.ERROR_IDNF, ata.read(ERROR, 1));
        assertEquals(0xFFFF, ata.read(DATA, 2));
    }

    @Test
    void cylinderHeadSectorAddressingUsesTheReportedGeometry() throws IOException {
        AtaDisk ata = disk(image(2 * 16 * 63));
        ata.write(COUNT, 1, 1);
        ata.write(LBA_LOW, 1, 2);                        // sector 2 (sectors count from 1)
        ata.write(LBA_MID, 1, 1);                        // cylinder 1
        ata.write(LBA_HIGH, 1, 0);
        ata.write(DEVICE, 1, 0xA0 | 3);                  // CHS mode, head 3
        ata.write(COMMAND, 1, AtaDisk.READ_SECTORS);
        assertEquals((byte) ((1 * 16 + 3) * 63 + 1), readSector(ata)[0]);
        ata.write(LBA_LOW, 1, 0);                        // sector 0 does not exist
        ata.write(COMMAND, 1, AtaDisk.READ_SECTORS);
        assertEquals(AtaDisk.ERROR_IDNF, ata.read(ERROR, 1));
    }

    @Test
    void hostileCommandsAndPortsNeverThrow() throws IOException {
        AtaDisk ata = disk(image(SECTORS));
        assertEquals(0xFFFF, ata.read(DATA, 2), "data port with no command");
        assertEquals(0xFFFFFFFF, ata.read(DATA, 4));
        ata.write(DATA, 2, 0x1234);                      // ignored
        ata.write(COMMAND, 1, 0x00);                     // NOP: not implemented
        assertEquals(0x51, ata.read(STATUS, 1));
        assertEquals(AtaDisk.ERROR_ABRT, ata.read(ERROR, 1));
        for (int command = 0; command < 256; command++) {
            select(ata, command % SECTORS, command);
            ata.write(COMMAND, 1, command);
            for (int i = 0; i < 300 && (ata.read(STATUS, 1) & AtaDisk.DRQ) != 0; i++) {
                ata.read(DATA, 4);
                ata.write(DATA, 4, -1);
            }
        }
        for (int port : new int[] {DATA, ERROR, COUNT, LBA_LOW, LBA_MID, LBA_HIGH, DEVICE, STATUS, CONTROL}) {
            for (int size : new int[] {1, 2, 4}) {
                ata.write(port, size, 0xFFFFFFFF);
                ata.read(port, size);
            }
        }
    }

    @Test
    void device1IsAbsentAndItsStatusReadsZero() throws IOException {
        AtaDisk ata = disk(image(SECTORS));
        ata.write(DEVICE, 1, 0xF0);
        assertEquals(0, ata.read(STATUS, 1), "xv6: no second disk");
        assertEquals(0, ata.read(CONTROL, 1));
        ata.write(COMMAND, 1, AtaDisk.IDENTIFY_DEVICE);
        assertFalse(irqHigh(), "device 1 ignores commands");
        ata.write(DEVICE, 1, 0xE0);
        assertEquals(0x50, ata.read(STATUS, 1));
    }

    @Test
    void nIenMasksTheInterruptAndSoftResetAbandonsATransfer() throws IOException {
        AtaDisk ata = disk(image(SECTORS));
        ata.write(CONTROL, 1, 0x02);                      // nIEN
        select(ata, 0, 4);
        ata.write(COMMAND, 1, AtaDisk.READ_SECTORS);
        assertFalse(irqHigh(), "masked");
        assertEquals(AtaDisk.DRQ, ata.read(CONTROL, 1) & AtaDisk.DRQ, "but the data is there: polling works");
        ata.read(DATA, 2);
        ata.write(CONTROL, 1, 0x06);                      // SRST
        assertEquals(AtaDisk.BSY, ata.read(STATUS, 1) & AtaDisk.BSY);
        ata.write(CONTROL, 1, 0x00);
        assertEquals(0x50, ata.read(STATUS, 1));
        assertEquals(1, ata.read(COUNT, 1), "ATA signature: count 1, LBA 1, 0, 0");
        assertEquals(1, ata.read(LBA_LOW, 1));
        assertEquals(0, ata.read(LBA_MID, 1));
        assertEquals(0xFFFF, ata.read(DATA, 2), "the transfer is gone");
    }

    @Test
    void hostIoErrorsAreReportedToTheGuestAsErr() throws IOException {
        AtaDisk ata = disk(image(SECTORS));
        ata.image().close();                              // every host read and write now fails
        select(ata, 1, 1);
        ata.write(COMMAND, 1, AtaDisk.READ_SECTORS);
        assertEquals(0x51, ata.read(STATUS, 1));
        assertEquals(AtaDisk.ERROR_UNC, ata.read(ERROR, 1));
        ata.write(COMMAND, 1, AtaDisk.WRITE_SECTORS);
        writeSector(ata, (byte) 1);
        assertEquals(0x51, ata.read(STATUS, 1));
        assertEquals(AtaDisk.ERROR_ABRT, ata.read(ERROR, 1));
        assertEquals(2, ata.ioErrors());
        ata.write(COMMAND, 1, AtaDisk.FLUSH_CACHE);
        assertEquals(AtaDisk.ERROR_ABRT, ata.read(ERROR, 1));
    }

    @Test
    void writingAReadOnlyImageIsAborted() throws IOException {
        Path file = image(SECTORS);
        FileChannel readOnly = FileChannel.open(file, StandardOpenOption.READ);
        AtaDisk ata = new AtaDisk(new RawDisk(readOnly, SECTORS, false, file.toString()), irq14::add,
                PlatformOptions.DiskLimits.UNLIMITED);
        select(ata, 0, 1);
        ata.write(COMMAND, 1, AtaDisk.WRITE_SECTORS);
        assertEquals(0x51, ata.read(STATUS, 1), "aborted at once: no DRQ");
        assertEquals(AtaDisk.ERROR_ABRT, ata.read(ERROR, 1));
        ata.write(COMMAND, 1, AtaDisk.READ_SECTORS);
        assertEquals(0, readSector(ata)[0], "reading still works");

        // The channel is read-only but the image claims otherwise: the write still fails cleanly.
        AtaDisk confused = new AtaDisk(new RawDisk(FileChannel.open(file, StandardOpenOption.READ), SECTORS, true,
                file.toString()), b -> { }, PlatformOptions.DiskLimits.UNLIMITED);
        select(confused, 0, 1);
        confused.write(COMMAND, 1, AtaDisk.WRITE_SECTORS);
        writeSector(confused, (byte) 9);
        assertEquals(AtaDisk.ERROR_ABRT, confused.read(ERROR, 1));
    }

    @Test
    void missingEmptyAndOddImagesAreRefusedWithTheFileName() throws IOException {
        Path missing = dir.resolve("nonesuch.img");
        var e = assertThrows(IllegalArgumentException.class, () -> DiskImage.open(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such file"), e.getMessage());
        Path tiny = Files.writeString(dir.resolve("tiny.img"), "too small", StandardCharsets.US_ASCII);
        e = assertThrows(IllegalArgumentException.class, () -> DiskImage.open(tiny));
        assertTrue(e.getMessage().contains(tiny.toString()) && e.getMessage().contains("too small"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DiskImage.open(dir));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        Path ragged = dir.resolve("ragged.img");
        Files.write(ragged, new byte[3 * 512 + 100]);
        try (DiskImage image = DiskImage.open(ragged)) {
            assertEquals(3, image.sectors(), "the bytes after the last whole sector are not part of the disk");
        }
    }

    @Test
    void saveMidTransferRestoreIntoAFreshDeviceAndCarryOn() throws IOException {
        Path file = image(SECTORS);
        AtaDisk ata = disk(file);
        select(ata, 20, 3);
        ata.write(COMMAND, 1, AtaDisk.WRITE_SECTORS);
        writeSector(ata, (byte) 0x11);
        ata.read(STATUS, 1);
        for (int i = 0; i < 100; i++) ata.write(DATA, 2, 0x2222);  // part of the second sector
        DeviceState saved = ata.save();

        AtaDisk fresh = disk(file);
        fresh.restore(saved);
        for (int i = 100; i < 256; i++) fresh.write(DATA, 2, 0x2222);
        writeSector(fresh, (byte) 0x33);
        assertEquals(0x50, fresh.read(STATUS, 1));
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(0x11, bytes[20 * 512 + 511]);
        assertEquals(0x22, bytes[21 * 512]);
        assertEquals(0x22, bytes[21 * 512 + 511], "the words written before the save were kept");
        assertEquals(0x33, bytes[22 * 512 + 300]);

        select(fresh, 20, 2);
        fresh.write(COMMAND, 1, AtaDisk.READ_SECTORS);
        readSector(fresh);
        for (int i = 0; i < 10; i++) fresh.read(DATA, 2);
        DeviceState reading = fresh.save();
        AtaDisk third = disk(file);
        third.restore(reading);
        assertEquals(0x2222, third.read(DATA, 2), "word 10 of sector 21");
        assertThrows(IllegalArgumentException.class, () -> third.restore(new DebugExitDevice.State()));
    }
}
