package hvlab.vmm.devices;

/**
 * The I/O APIC at physical 0xFEC00000 (Intel 82093AA datasheet): 24 interrupt input pins, each
 * with a 64-bit redirection entry that turns a rising edge or a high level into an interrupt
 * message (vector, delivery mode, destination) for a local APIC. Software reaches its registers
 * indirectly: it writes a register number to IOREGSEL (offset 0x00) and reads or writes it
 * through IOWIN (offset 0x10). Registers: 0x00 ID (bits 27-24), 0x01 version (0x11, maximum
 * redirection entry 23 in bits 23-16), 0x02 arbitration ID, 0x10 + 2n and 0x11 + 2n the low and
 * high halves of entry n. Every entry starts masked.
 *
 * <p>Hostile inputs: a register number with no register behind it reads 0 and its writes are
 * dropped (and counted); IOREGSEL keeps only its low 8 bits; accesses that are not 32 bits at
 * IOREGSEL or IOWIN are ignored (reads 0), as the datasheet allows only those.
 *
 * <p>Delivery: only to our one local APIC, when the entry's destination names it (physical mode:
 * its APIC ID; logical mode: a bit of its logical destination; 0xFF: everyone). Fixed and
 * lowest-priority delivery send the vector; other modes (SMI, NMI, INIT, ExtINT) are not
 * modelled and count as dropped. A level-triggered entry sets Remote IRR when it delivers and
 * sends nothing more until the local APIC's EOI for its vector clears it.
 */
public final class IoApic implements MmioDevice {
    public static final long BASE = 0xFEC00000L;
    public static final int PINS = 24;
    /** Its APIC ID, set as a BIOS sets it (after the local APIC's 0) and as the MP table names it. */
    public static final int APIC_ID = 1;
    /** Version 0x11, maximum redirection entry 23 (a 24-pin 82093AA). */
    static final int VERSION = 0x0017_0011;
    static final long MASKED = 1L << 16;
    static final long LEVEL = 1L << 15;
    static final long REMOTE_IRR = 1L << 14;
    static final long LOW_ACTIVE = 1L << 13;
    static final long DELIVERY_PENDING = 1L << 12;
    static final long LOGICAL = 1L << 11;
    /** Bits software may write: vector, delivery mode, destination mode, polarity, trigger, mask, destination. */
    private static final long WRITABLE = 0xFF00_0000_0001_AFFFL;

    private final LocalApic lapic;
    private final long[] redirection = new long[PINS];
    private int pinLevels;
    private int select;
    private int id = APIC_ID << 24;
    private long ignoredAccesses;
    private long dropped;

    public IoApic(LocalApic lapic) {
        this.lapic = lapic;
        java.util.Arrays.fill(redirection, MASKED);
        lapic.onLevelEoi(this::endOfInterrupt);
    }

    @Override public String name() { return "I/O APIC"; }
    @Override public String id() { return "ioapic"; }
    @Override public long base() { return BASE; }
    @Override public long size() { return MmioBus.PAGE; }

    @Override
    public int read(long offset, int size) {
        if (size != 4) {
            ignoredAccesses++;
            return 0;
        }
        if (offset == 0x00) return select;
        if (offset == 0x10) return register(select);
        return 0;
    }

    @Override
    public void write(long offset, int size, int value) {
        if (size != 4) {
            ignoredAccesses++;
            return;
        }
        if (offset == 0x00) select = value & 0xFF;
        else if (offset == 0x10) setRegister(select, value);
        else ignoredAccesses++;
    }

    private int register(int index) {
        if (index == 0x00) return id;
        if (index == 0x01) return VERSION;
        if (index == 0x02) return id;
        int entry = (index - 0x10) >> 1;
        if (index < 0x10 || entry >= PINS) {
            ignoredAccesses++;
            return 0;
        }
        long value = redirection[entry];
        return (index & 1) == 0 ? (int) value : (int) (value >>> 32);
    }

    private void setRegister(int index, int value) {
        if (index == 0x00) {
            id = value & 0x0F00_0000;
            return;
        }
        int entry = (index - 0x10) >> 1;
        if (index < 0x10 || entry >= PINS) {
            ignoredAccesses++;
            return;
        }
        long old = redirection[entry];
        long half = Integer.toUnsignedLong(value);
        long updated = (index & 1) == 0 ? (old & 0xFFFF_FFFF_0000_0000L) | half : (old & 0xFFFF_FFFFL) | half << 32;
        redirection[entry] = (updated & WRITABLE) | (old & REMOTE_IRR);
        if ((redirection[entry] & LEVEL) == 0) redirection[entry] &= ~REMOTE_IRR;
        if (isAsserted(entry)) deliver(entry); // a level still high, unmasked now, asks again
    }

    /**
     * Drives input {@code pin}. The device side is active high (ISA lines as the MP table says);
     * an entry programmed active low sees the line inverted. Edge entries deliver on the
     * assertion; level entries while asserted, once per EOI.
     */
    public void setPin(int pin, boolean high) {
        if (pin < 0 || pin >= PINS) {
            throw new IllegalArgumentException("the I/O APIC has no pin " + pin);
        }
        boolean wasAsserted = isAsserted(pin);
        if (high) pinLevels |= 1 << pin;
        else pinLevels &= ~(1 << pin);
        boolean asserted = isAsserted(pin);
        boolean level = (redirection[pin] & LEVEL) != 0;
        if (asserted && (level || !wasAsserted)) {
            deliver(pin);
        }
    }

    private boolean isAsserted(int pin) {
        boolean high = (pinLevels & (1 << pin)) != 0;
        return high != ((redirection[pin] & LOW_ACTIVE) != 0);
    }

    private void deliver(int pin) {
        long entry = redirection[pin];
        boolean level = (entry & LEVEL) != 0;
        if ((entry & MASKED) != 0 || level && (entry & REMOTE_IRR) != 0) {
            return;
        }
        int mode = (int) (entry >> 8) & 7;
        int destination = (int) (entry >>> 56);
        boolean forUs = (entry & LOGICAL) == 0
                ? destination == lapic.apicId() || destination == 0xFF
                : (destination & (lapicLogicalId())) != 0;
        if (!forUs || mode > 1 || !lapic.softwareEnabled()) {
            dropped++;
            return;
        }
        if (level) redirection[pin] |= REMOTE_IRR;
        lapic.receive((int) entry & 0xFF, level);
    }

    private int lapicLogicalId() {
        return lapic.read(0xD0, 4) >>> 24;
    }

    /** The local APIC's EOI for a level-triggered {@code vector}: clear Remote IRR, and deliver again if still asserted. */
    void endOfInterrupt(int vector) {
        for (int pin = 0; pin < PINS; pin++) {
            if ((redirection[pin] & 0xFF) == vector && (redirection[pin] & REMOTE_IRR) != 0) {
                redirection[pin] &= ~REMOTE_IRR;
                if (isAsserted(pin)) deliver(pin);
            }
        }
    }

    /** Redirection entry {@code pin}, as the two registers show it. */
    public long entry(int pin) {
        return redirection[pin];
    }

    /** Accesses and register numbers with nothing behind them. */
    public long ignoredAccesses() {
        return ignoredAccesses;
    }

    /** Interrupts not delivered: no such destination, a delivery mode not modelled, or the local APIC disabled. */
    public long dropped() {
        return dropped;
    }

    public record State(int select, int id, int pinLevels, long[] redirection, long ignoredAccesses, long dropped)
            implements DeviceState {}

    @Override
    public DeviceState save() {
        return new State(select, id, pinLevels, redirection.clone(), ignoredAccesses, dropped);
    }

    @Override
    public void restore(DeviceState saved) {
        State s = Device.expect(State.class, saved, id());
        if (s.redirection() == null || s.redirection().length != PINS) {
            throw new IllegalArgumentException("device ioapic: a saved state needs 24 redirection entries");
        }
        select = s.select(); id = s.id(); pinLevels = s.pinLevels();
        System.arraycopy(s.redirection(), 0, redirection, 0, PINS);
        ignoredAccesses = s.ignoredAccesses(); dropped = s.dropped();
    }
}
