package hvlab.vmm.devices;

/**
 * The drive's side of one PIO data transfer: the sector buffer the data port reads or fills a
 * word at a time, where in it the next word goes, which sector it belongs to and how many are
 * left. A real drive has the same buffer (a sector of RAM on the drive's board); it is part of
 * the saved state, so a VM saved in the middle of a multi-sector transfer carries on with the
 * very next word after a restore.
 */
final class AtaTransfer {
    final byte[] buffer = new byte[DiskImage.SECTOR_BYTES];
    /** The sector the buffer holds or will be written to. */
    long lba;
    /** Sectors still to move, this one included. */
    long sectorsLeft;
    /** Byte offset of the next word in the buffer. */
    int position;
    /** Whether this command's operation token was taken (only its first sector pays one). */
    boolean operationCharged;

    void begin(long start, long count) {
        lba = start;
        sectorsLeft = count;
        position = 0;
        operationCharged = false;
    }

    /** A buffer the drive makes itself (IDENTIFY's block): one sector, no disk behind it. */
    void fill(byte[] sector) {
        System.arraycopy(sector, 0, buffer, 0, DiskImage.SECTOR_BYTES);
        sectorsLeft = 1;
        position = 0;
    }

    /** The next word, little-endian: the byte at the lower address is the word's low byte. */
    int takeWord() {
        int word = (buffer[position] & 0xFF) | (buffer[position + 1] & 0xFF) << 8;
        position += 2;
        return word;
    }

    void putWord(int word) {
        buffer[position] = (byte) word;
        buffer[position + 1] = (byte) (word >> 8);
        position += 2;
    }

    /** One sector is done: true if another follows. */
    boolean nextSector() {
        lba++;
        sectorsLeft--;
        position = 0;
        return sectorsLeft > 0;
    }

    void restore(long lba, long sectorsLeft, boolean operationCharged, byte[] buffer, int position) {
        this.lba = lba;
        this.sectorsLeft = sectorsLeft;
        this.operationCharged = operationCharged;
        System.arraycopy(buffer, 0, this.buffer, 0, DiskImage.SECTOR_BYTES);
        this.position = position & ~1;
    }
}
