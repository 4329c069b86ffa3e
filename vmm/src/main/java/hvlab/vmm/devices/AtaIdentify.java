package hvlab.vmm.devices;

import java.nio.charset.StandardCharsets;

/**
 * The 256-word block IDENTIFY DEVICE returns (ATA/ATAPI-6, 8.15, Table 27): how a driver learns
 * what the drive is, how big, and which commands and addressing it supports. Words are
 * little-endian; strings pack two ASCII characters a word with the first in the high byte,
 * which is why a driver that forgets to swap prints "hvlba vitrau lidks".
 *
 * <p>We describe an ATA-6 hard disk that supports 28-bit LBA (word 49 bit 9), PIO transfers
 * only (no DMA, no READ MULTIPLE), and FLUSH CACHE; its capacity is in words 60-61. For software
 * that still addresses by cylinder, head and sector, it also gives the classic translated
 * geometry of 16 heads and 63 sectors a track (words 1, 3, 6 and 54-58).
 */
final class AtaIdentify {
    static final String MODEL = "hvlab virtual disk";
    static final String SERIAL = "HVLAB00000001";
    static final String FIRMWARE = "0.1";
    static final int HEADS = 16;
    static final int SECTORS_PER_TRACK = 63;
    private static final int MAX_CYLINDERS = 16383;

    private AtaIdentify() {}

    /** The identify block of a disk of {@code sectors} sectors, as the 512 bytes the data port delivers. */
    static byte[] block(long sectors) {
        int[] w = new int[256];
        int cylinders = cylinders(sectors);
        w[0] = 0x0040;                       // fixed (non-removable) ATA device
        w[1] = cylinders;
        w[3] = HEADS;
        w[6] = SECTORS_PER_TRACK;
        string(w, 10, 20, SERIAL);
        string(w, 23, 8, FIRMWARE);
        string(w, 27, 40, MODEL);
        w[47] = 0x8000;                      // READ/WRITE MULTIPLE: not supported (0 sectors)
        w[49] = 0x0200;                      // LBA supported
        w[50] = 0x4000;                      // bit 14 must be 1
        w[51] = 0x0200;                      // PIO mode 2 timing (obsolete word, still read)
        w[53] = 0x0003;                      // words 54-58 and 64-70 are valid
        long chs = (long) cylinders * HEADS * SECTORS_PER_TRACK;
        w[54] = cylinders;
        w[55] = HEADS;
        w[56] = SECTORS_PER_TRACK;
        w[57] = (int) (chs & 0xFFFF);
        w[58] = (int) (chs >>> 16);
        w[60] = (int) (sectors & 0xFFFF);    // LBA28 capacity, low word first
        w[61] = (int) (sectors >>> 16);
        w[64] = 0x0003;                      // PIO modes 3 and 4
        w[65] = w[66] = w[67] = w[68] = 120; // cycle times in ns
        w[80] = 0x0070;                      // major version: ATA/ATAPI-4, -5 and -6
        w[82] = 0x0000;
        w[83] = 0x5000;                      // bit 14 must be 1; bit 12: FLUSH CACHE
        w[84] = 0x4000;
        w[86] = 0x1000;                      // FLUSH CACHE enabled
        w[87] = 0x4000;
        byte[] bytes = new byte[512];
        for (int i = 0; i < 256; i++) {
            bytes[2 * i] = (byte) w[i];
            bytes[2 * i + 1] = (byte) (w[i] >> 8);
        }
        // Word 255: signature 0xA5 and a checksum byte that makes all 512 bytes sum to 0 mod 256.
        bytes[510] = (byte) 0xA5;
        int sum = 0;
        for (int i = 0; i < 511; i++) sum += bytes[i] & 0xFF;
        bytes[511] = (byte) -sum;
        return bytes;
    }

    static int cylinders(long sectors) {
        return (int) Math.min(sectors / (HEADS * SECTORS_PER_TRACK), MAX_CYLINDERS);
    }

    /** ATA strings: space-padded, two characters a word, the first in the high byte. */
    private static void string(int[] w, int firstWord, int length, String text) {
        byte[] chars = String.format("%-" + length + "s", text).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length / 2; i++) {
            w[firstWord + i] = (chars[2 * i] & 0xFF) << 8 | (chars[2 * i + 1] & 0xFF);
        }
    }
}
