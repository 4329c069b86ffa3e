package hvlab.vmm.devices;

/**
 * The ATA "task file": the registers of the command block other than data, status and command
 * (ATA/ATAPI-6, 7.x). A driver fills them in (how many sectors, from where, which device) and
 * then writes a command; the drive reads them when the command starts and, on an error, writes
 * the failing address back into them. Both devices on a channel see every write: the device
 * register's bit 4 says which of them the command is for.
 *
 * <p>Addresses come in two forms. With the device register's bit 6 set, the four address bytes
 * are a 28-bit logical block address (LBA): bits 0-7 in LBA low, 8-15 in LBA mid, 16-23 in LBA
 * high, 24-27 in the device register's low nibble. Without it they are the old cylinder (LBA
 * mid and high), head (device bits 0-3) and sector (LBA low, counting from 1), which we map
 * through the geometry IDENTIFY reports.
 */
final class AtaTaskFile {
    static final int DEVICE_LBA = 0x40;
    static final int DEVICE_1 = 0x10;

    int features;
    int error;
    int sectorCount;
    int lbaLow;
    int lbaMid;
    int lbaHigh;
    int device;

    boolean device1Selected() {
        return (device & DEVICE_1) != 0;
    }

    /** The sector count register, where 0 means 256. */
    long sectors() {
        return sectorCount == 0 ? 256 : sectorCount;
    }

    /** The first sector the registers name, or -1 for a CHS address with sector 0 or a head beyond the geometry. */
    long startSector() {
        if ((device & DEVICE_LBA) != 0) {
            return (long) (device & 0x0F) << 24 | lbaHigh << 16 | lbaMid << 8 | lbaLow;
        }
        int cylinder = lbaHigh << 8 | lbaMid;
        int head = device & 0x0F;
        int sector = lbaLow;
        if (sector == 0 || sector > AtaIdentify.SECTORS_PER_TRACK || head >= AtaIdentify.HEADS) return -1;
        return ((long) cylinder * AtaIdentify.HEADS + head) * AtaIdentify.SECTORS_PER_TRACK + sector - 1;
    }

    /** On an error, the address registers name the sector that failed (in LBA mode; CHS drivers get nothing). */
    void reportFailingSector(long lba) {
        if (lba < 0 || (device & DEVICE_LBA) == 0) return;
        long shown = Math.min(lba, DiskImage.MAX_SECTORS);
        lbaLow = (int) (shown & 0xFF);
        lbaMid = (int) (shown >> 8 & 0xFF);
        lbaHigh = (int) (shown >> 16 & 0xFF);
        device = device & 0xF0 | (int) (shown >> 24 & 0x0F);
    }

    /**
     * After a reset: the diagnostic result in the error register (0x01, device 0 passed) and the
     * signature of an ATA device (count 1, LBA 1, 0, 0; an ATAPI device would show 0x14, 0xEB),
     * by which a driver tells a hard disk from a CD drive.
     */
    void resetSignature() {
        error = 0x01;
        sectorCount = 1;
        lbaLow = 1;
        lbaMid = 0;
        lbaHigh = 0;
        device = 0;
    }
}
