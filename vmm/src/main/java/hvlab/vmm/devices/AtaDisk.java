package hvlab.vmm.devices;

import java.io.IOException;
import java.util.List;

/**
 * A hard disk on the primary ATA (IDE) channel, programmed by PIO the way every PC kernel's
 * first disk driver is (xv6's {@code ide.c}, Linux's {@code ata_piix} before DMA). Registers
 * (ATA/ATAPI-6, 7.x): the command block at 0x1F0-0x1F7 (data, error/features, sector count,
 * LBA low/mid/high, device, status/command) and the control block at 0x3F6 (alternate status
 * when read; device control when written: bit 1 nIEN masks the interrupt, bit 2 SRST resets).
 *
 * <p>A command runs as the spec's protocols do. PIO data-in (READ SECTORS, IDENTIFY DEVICE):
 * the drive is busy (BSY) while it fetches a sector, then sets DRQ and raises IRQ14; the driver
 * reads 256 words from the data port, and the next sector follows the same way. PIO data-out
 * (WRITE SECTORS): DRQ at once for the first sector with no interrupt; after each 256 words the
 * drive is busy writing, then raises IRQ14 with DRQ set for the next sector, or clear at the
 * end. Reading the status register (not the alternate status) acknowledges the interrupt.
 * Addresses are 28-bit LBA (device register bit 6) or, for old software, cylinder/head/sector in
 * the geometry IDENTIFY reports; a sector count of 0 means 256. Errors set ERR in the status and
 * a cause in the error register: IDNF for an address beyond the disk, UNC when the host file
 * cannot be read, ABRT for a command we do not implement, a write to a read-only image or a
 * write the host refused. The host's I/O errors never reach the VMM's caller.
 *
 * <p>The image is device 0 (the master) or, as xv6's Makefile attaches its file system, device 1
 * (the slave). The other device: selecting an absent device 1 (device register bit 4) makes the
 * status read 0, which is how drivers such as xv6's learn there is no second disk; a device 0
 * beside an image on device 1 is a blank drive that is always ready and ignores commands (xv6
 * waits for it to be ready, then only ever uses device 1). With no disk at all,
 * {@link PcPlatform} attaches nothing here and the ports float (0xFF), which is how Linux learns
 * the channel is empty.
 *
 * <p>Every sector moved costs 512 tokens of the {@link DiskRateLimiter}'s bandwidth bucket, and
 * every command one of its operations bucket; while a bucket is short the drive stays busy, and
 * {@link #advance(long)} (virtual time) lets the transfer go when tokens have dripped in.
 */
public final class AtaDisk implements IoDevice {
    public static final int COMMAND_BLOCK = 0x1F0;
    public static final int CONTROL_BLOCK = 0x3F6;
    public static final int BSY = 0x80, DRDY = 0x40, DSC = 0x10, DRQ = 0x08, ERR = 0x01;
    public static final int ERROR_UNC = 0x40, ERROR_IDNF = 0x10, ERROR_ABRT = 0x04;
    public static final int READ_SECTORS = 0x20, WRITE_SECTORS = 0x30, FLUSH_CACHE = 0xE7, IDENTIFY_DEVICE = 0xEC;
    private static final int DATA = 0, ERROR = 1, SECTOR_COUNT = 2, LBA_LOW = 3, LBA_MID = 4, LBA_HIGH = 5, DEVICE = 6,
            STATUS = 7;
    private static final int CONTROL_NIEN = 0x02, CONTROL_SRST = 0x04;
    /** Status of a ready drive with nothing to do: DRDY and DSC (seek complete), as drivers test for. */
    private static final int READY = DRDY | DSC;

    /** What the drive is doing: waiting for tokens is a busy phase of its own. */
    public enum Phase { IDLE, READ_WAIT, DATA_IN, DATA_OUT, WRITE_WAIT, RESET }

    /** Every register, the transfer in progress with its sector buffer, and the limiter, for save and restore. */
    public record State(int features, int error, int sectorCount, int lbaLow, int lbaMid, int lbaHigh, int deviceHead,
                        int status, int control, boolean interruptPending, Phase phase, int command, long lba,
                        long sectorsLeft, boolean operationCharged, byte[] buffer, int position,
                        DiskRateLimiter.State limiter, long ioErrors) implements DeviceState {
        public State {
            buffer = buffer.clone();
        }
    }

    private DiskImage disk;
    private final InterruptLine irq;
    private final DiskRateLimiter limiter;
    private final AtaTaskFile registers = new AtaTaskFile();
    private final AtaTransfer transfer = new AtaTransfer();
    private int status = READY;
    private int control;
    private boolean interruptPending;
    private boolean irqHigh;
    private Phase phase = Phase.IDLE;
    private int command;
    private long ioErrors;
    /** Which device of the channel the image is: 0 or 1. */
    private final int unit;

    /** @param irq the drive's INTRQ, normally {@code pic.line(14)} */
    public AtaDisk(DiskImage disk, InterruptLine irq, PlatformOptions.DiskLimits limits) {
        this(disk, irq, limits, 0);
    }

    /** @param unit 0: the image is device 0; 1: it is device 1, beside a blank device 0 */
    public AtaDisk(DiskImage disk, InterruptLine irq, PlatformOptions.DiskLimits limits, int unit) {
        if (unit != 0 && unit != 1) {
            throw new IllegalArgumentException("an ATA channel has devices 0 and 1, not " + unit);
        }
        this.unit = unit;
        this.disk = disk;
        this.irq = irq;
        this.limiter = new DiskRateLimiter(limits);
    }

    @Override
    public String name() {
        return "ATA disk (primary channel)";
    }

    @Override
    public String id() {
        return "ata0";
    }

    @Override
    public int firstPort() {
        return COMMAND_BLOCK;
    }

    @Override
    public int portCount() {
        return 8;
    }

    @Override
    public List<PortRange> ports() {
        return List.of(new PortRange(COMMAND_BLOCK, 8), new PortRange(CONTROL_BLOCK, 1));
    }

    @Override
    public DeviceState save() {
        AtaTaskFile r = registers;
        return new State(r.features, r.error, r.sectorCount, r.lbaLow, r.lbaMid, r.lbaHigh, r.device, status, control, interruptPending,
                phase, command, transfer.lba, transfer.sectorsLeft, transfer.operationCharged, transfer.buffer,
                transfer.position, limiter.save(), ioErrors);
    }

    /** Takes up a saved state; IRQ14 is not driven again (the PIC is restored with the level it had). */
    @Override
    public void restore(DeviceState saved) {
        State s = Device.expect(State.class, saved, id());
        if (s.buffer().length != DiskImage.SECTOR_BYTES || s.position() < 0 || s.position() > DiskImage.SECTOR_BYTES) {
            throw new IllegalArgumentException("device ata0 cannot take a sector buffer of " + s.buffer().length
                    + " bytes at " + s.position());
        }
        AtaTaskFile r = registers;
        r.features = s.features(); r.error = s.error(); r.sectorCount = s.sectorCount(); r.lbaLow = s.lbaLow();
        r.lbaMid = s.lbaMid(); r.lbaHigh = s.lbaHigh(); r.device = s.deviceHead(); status = s.status(); control = s.control();
        interruptPending = s.interruptPending(); phase = s.phase(); command = s.command();
        transfer.restore(s.lba(), s.sectorsLeft(), s.operationCharged(), s.buffer(), s.position());
        limiter.restore(s.limiter());
        ioErrors = s.ioErrors();
        irqHigh = interruptPending && (control & CONTROL_NIEN) == 0 && ours();
    }

    @Override
    public int read(int port, int size) {
        if (port == CONTROL_BLOCK) return ours() ? status : otherStatus(); // alternate status: no acknowledge
        return switch (port - COMMAND_BLOCK) {
            case DATA -> readData(size);
            case ERROR -> registers.error;
            case SECTOR_COUNT -> registers.sectorCount;
            case LBA_LOW -> registers.lbaLow;
            case LBA_MID -> registers.lbaMid;
            case LBA_HIGH -> registers.lbaHigh;
            case DEVICE -> registers.device;
            default -> readStatus();
        };
    }

    @Override
    public void write(int port, int size, int value) {
        int v = value & 0xFF;
        if (port == CONTROL_BLOCK) {
            deviceControl(v);
            return;
        }
        if ((status & BSY) != 0) return; // the host shall not write the command block while BSY: ignored
        switch (port - COMMAND_BLOCK) {
            case DATA -> writeData(value, size);
            case ERROR -> registers.features = v;
            case SECTOR_COUNT -> registers.sectorCount = v;
            case LBA_LOW -> registers.lbaLow = v;
            case LBA_MID -> registers.lbaMid = v;
            case LBA_HIGH -> registers.lbaHigh = v;
            case DEVICE -> {
                registers.device = v;
                updateIrq();
            }
            default -> {
                if (ours()) command(v);
            }
        }
    }

    /** Lets virtual time pass: the rate limiter refills, and a transfer waiting for tokens may go. */
    public void advance(long nanos) {
        limiter.advance(nanos);
        proceed();
    }

    /** Virtual nanoseconds until a transfer waiting for tokens goes (and interrupts), or {@link Long#MAX_VALUE}. */
    public long nanosUntilReady() {
        return limiter.waiting() ? limiter.nanosUntilReady() : Long.MAX_VALUE;
    }

    public Phase phase() {
        return phase;
    }

    /** Virtual time transfers spent waiting for the rate limiter, in nanoseconds. */
    public long throttledNanos() {
        return limiter.throttledNanos();
    }

    /** Host I/O errors reported to the guest as ERR. */
    public long ioErrors() {
        return ioErrors;
    }

    public DiskImage image() {
        return disk;
    }

    /**
     * Puts another image behind the drive (the host does this between slices, when a snapshot
     * freezes the disk's top layer and a new one goes on), and returns the old one for the caller
     * to close. The drive itself, mid-command or not, carries on: only where sectors are kept
     * changed, not what they hold.
     */
    public DiskImage swapImage(DiskImage next) {
        if (next.sectors() != disk.sectors()) {
            throw new IllegalArgumentException("a disk of " + next.sectors() + " sectors cannot replace one of " + disk.sectors());
        }
        DiskImage old = disk;
        disk = next;
        return old;
    }

    /** Is the device the registers select the image's? */
    private boolean ours() {
        return registers.device1Selected() == (unit == 1);
    }

    /** The status of the device that is not the image: an absent device 1, or a blank device 0 that is always ready. */
    private int otherStatus() {
        return unit == 1 ? READY : 0;
    }

    private int readStatus() {
        if (!ours()) return otherStatus();
        interruptPending = false; // reading the status register acknowledges INTRQ
        updateIrq();
        return status;
    }

    private void command(int code) {
        command = code;
        registers.error = 0;
        interruptPending = false;
        switch (code) {
            case IDENTIFY_DEVICE -> {
                transfer.fill(AtaIdentify.block(disk.sectors()));
                dataReady(Phase.DATA_IN);
            }
            case READ_SECTORS, READ_SECTORS + 1 -> startTransfer(false); // 0x21: "without retries", the same to us
            case WRITE_SECTORS, WRITE_SECTORS + 1 -> startTransfer(true);
            case FLUSH_CACHE -> {
                try {
                    disk.flush();
                    finish();
                } catch (IOException e) {
                    ioErrors++;
                    fail(ERROR_ABRT);
                }
            }
            default -> fail(ERROR_ABRT);
        }
        updateIrq();
    }

    private void startTransfer(boolean write) {
        long count = registers.sectors();
        long start = registers.startSector();
        if (start < 0 || start + count > disk.sectors()) {
            registers.reportFailingSector(start < 0 ? -1 : Math.max(start, disk.sectors()));
            fail(ERROR_IDNF);
            return;
        }
        if (write && !disk.writable()) {
            fail(ERROR_ABRT);
            return;
        }
        transfer.begin(start, count);
        if (write) {
            dataReadyQuietly(Phase.DATA_OUT);
        } else {
            busy(Phase.READ_WAIT);
            proceed();
        }
    }

    /** Moves a busy transfer on if the rate limiter lets it: fetch the next sector, or write the one received. */
    private void proceed() {
        if (phase != Phase.READ_WAIT && phase != Phase.WRITE_WAIT) return;
        if (!limiter.tryAcquire(DiskImage.SECTOR_BYTES, transfer.operationCharged ? 0 : 1)) return;
        transfer.operationCharged = true;
        try {
            if (phase == Phase.READ_WAIT) {
                disk.read(transfer.lba, transfer.buffer);
                transfer.position = 0;
                dataReady(Phase.DATA_IN);
            } else {
                disk.write(transfer.lba, transfer.buffer);
                if (transfer.nextSector()) dataReady(Phase.DATA_OUT);
                else finish();
            }
        } catch (IOException e) {
            ioErrors++;
            registers.reportFailingSector(transfer.lba);
            fail(phase == Phase.READ_WAIT ? ERROR_UNC : ERROR_ABRT);
        }
        updateIrq();
    }

    /** A word (or, for a 32-bit IN, two) of the sector buffer; with no data to give, all ones. */
    private int readData(int size) {
        int value = 0;
        for (int i = 0; i < (size == 4 ? 2 : 1); i++) {
            int word = 0xFFFF;
            if (phase == Phase.DATA_IN) {
                word = transfer.takeWord();
                if (transfer.position == DiskImage.SECTOR_BYTES) sectorRead();
            }
            value |= word << (16 * i);
        }
        return value;
    }

    private void writeData(int value, int size) {
        for (int i = 0; i < (size == 4 ? 2 : 1) && phase == Phase.DATA_OUT; i++) {
            transfer.putWord(value >>> (16 * i));
            if (transfer.position == DiskImage.SECTOR_BYTES) {
                busy(Phase.WRITE_WAIT);
                proceed();
            }
        }
    }

    /** The driver has taken the whole sector: the next one, or the end of the command. */
    private void sectorRead() {
        if (command != IDENTIFY_DEVICE && transfer.nextSector()) {
            busy(Phase.READ_WAIT);
            proceed();
        } else {
            phase = Phase.IDLE;
            status = READY;
        }
    }

    private void deviceControl(int value) {
        boolean wasResetting = (control & CONTROL_SRST) != 0;
        control = value & (CONTROL_NIEN | CONTROL_SRST);
        boolean resetting = (control & CONTROL_SRST) != 0;
        if (resetting) {
            limiter.cancel();
            busy(Phase.RESET);
            interruptPending = false;
        } else if (wasResetting) {
            afterReset();
        }
        updateIrq();
    }

    /** SRST released: the drive is ready, with its diagnostic result and signature in the task file. */
    private void afterReset() {
        phase = Phase.IDLE;
        status = READY;
        registers.resetSignature();
    }

    private void busy(Phase next) {
        phase = next;
        status = BSY;
    }

    private void dataReady(Phase next) {
        dataReadyQuietly(next);
        interruptPending = true;
    }

    private void dataReadyQuietly(Phase next) {
        phase = next;
        status = READY | DRQ;
    }

    private void finish() {
        phase = Phase.IDLE;
        status = READY;
        interruptPending = true;
    }

    private void fail(int cause) {
        phase = Phase.IDLE;
        registers.error = cause;
        status = READY | ERR;
        interruptPending = true;
        limiter.cancel();
    }

    /** INTRQ: a pending interrupt of the selected device, unless the driver masked it with nIEN. */
    private void updateIrq() {
        boolean high = interruptPending && (control & CONTROL_NIEN) == 0 && ours();
        if (high != irqHigh) {
            irqHigh = high;
            irq.set(high);
        }
    }
}
