package hvlab.vmm.devices;

import java.util.function.IntConsumer;

/**
 * The local APIC of our one CPU, at physical 0xFEE00000 (Intel SDM Vol. 3A, chapter 10): the
 * registers xv6's {@code lapic.c} and any MP kernel use, the timer ({@link ApicTimer}) on virtual
 * time, the interrupt state and priorities ({@link ApicVectors}), and interrupt delivery to the
 * CPU in place of the 8259A.
 *
 * <p>Registers are 32 bits wide at 16-byte boundaries (SDM Table 10-1). A read narrower than 32
 * bits, or at an offset inside a register, gives those bytes of the register (the rest of each
 * 16-byte slot reads 0); a write that is not 32 bits at the register's start is ignored and
 * counted, as are writes to read-only and reserved registers. Unknown offsets read 0 and set the
 * ESR's "illegal register address" bit, as hardware does.
 *
 * <p>After reset the APIC is software-disabled (SVR bit 8 clear), every LVT entry masked except
 * LINT0, which is ExtINT, as a BIOS leaves the boot processor (QEMU does the same): the 8259A's
 * requests reach the CPU through LINT0, so a guest that never touches the APIC sees a plain PC.
 * xv6 masks LINT0 and the 8259 and takes its interrupts from here.
 */
public final class LocalApic implements MmioDevice, InterruptSource {
    public static final long BASE = 0xFEE00000L;
    /** Version 0x14 (an integrated APIC), six LVT entries (max LVT 5): timer, thermal, PMC, LINT0, LINT1, error. */
    static final int VERSION = 0x0005_0014;
    static final int LVT_MASKED = 1 << 16;
    static final int LVT_TIMER_PERIODIC = 1 << 17;
    static final int DELIVERY_EXTINT = 7 << 8;
    static final int SVR_ENABLED = 1 << 8;
    static final int ESR_SEND_ILLEGAL_VECTOR = 1 << 5;
    static final int ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6;
    static final int ESR_ILLEGAL_REGISTER = 1 << 7;
    /** LVT indexes: the order of their registers from 0x320 (0x330 thermal, 0x340 performance counters). */
    // Writable bits per LVT: vector, delivery mode, polarity, trigger, mask; the timer keeps bit 17
    // (periodic) but not bit 18 (TSC-deadline, not modelled); delivery status (bit 12) is read-only.
    static final int TIMER = 0, THERMAL = 1, PERFORMANCE = 2, LINT0 = 3, LINT1 = 4, ERROR = 5;
    /**
     * Writable bits per LVT entry: vector, delivery mode, polarity, trigger, mask; the timer keeps
     * bit 17 (periodic) but not bit 18 (TSC-deadline, not modelled); delivery status is read-only.
     */
    private static final int[] LVT_WRITABLE = {0x300FF, 0x107FF, 0x107FF, 0x1A7FF, 0x1A7FF, 0x100FF};

    private final InterruptSource lint0;
    private final ApicTimer timer = new ApicTimer();
    private final ApicVectors vectors = new ApicVectors();
    private final int[] lvt = new int[6];
    private IntConsumer levelEoi = vector -> { };
    private IntConsumer idListener = id -> { };
    private int id;
    private int tpr;
    private int svr;
    private int logicalDestination;
    private int destinationFormat;
    private int icrLow;
    private int icrHigh;
    private int esr;
    private int errorsSinceEsrWrite;
    private long ignoredWrites;
    private long ipisToNowhere;

    /** @param lint0 the 8259A pair, wired to LINT0 (ExtINT) */
    public LocalApic(InterruptSource lint0) {
        this.lint0 = lint0;
        reset();
    }

    /**
     * Who hears the ID register's value whenever it changes (a write, a reset, a restore), and
     * once now: the VMM has the CPU answer reads of it without an exit (APIC virtualization,
     * {@code CpuBackend.answerReads}), because {@code mycpu()} in xv6 reads it on every call.
     */
    public void onIdChange(IntConsumer listener) {
        this.idListener = listener;
        listener.accept(id);
    }

    private void setId(int value) {
        id = value;
        idListener.accept(value);
    }

    /** Where the EOI of a level-triggered vector is broadcast: the I/O APIC clears its Remote IRR. */
    public void onLevelEoi(IntConsumer listener) {
        this.levelEoi = listener;
    }

    private void reset() {
        setId(0);
        tpr = 0;
        svr = 0xFF;
        logicalDestination = 0;
        destinationFormat = 0xFFFFFFFF;
        java.util.Arrays.fill(lvt, LVT_MASKED);
        lvt[LINT0] = DELIVERY_EXTINT;
        vectors.clear();
    }

    @Override public String name() { return "local APIC"; }
    @Override public String id() { return "lapic"; }
    @Override public long base() { return BASE; }
    @Override public long size() { return MmioBus.PAGE; }

    public boolean softwareEnabled() {
        return (svr & SVR_ENABLED) != 0;
    }

    /** The APIC's ID (bits 31-24 of its ID register): 0, the boot processor of the MP table. */
    public int apicId() {
        return id >>> 24;
    }

    @Override
    public int read(long offset, int size) {
        int register = (int) offset & 0xFF0;
        int within = (int) offset & 0xF;
        if (within >= 4) {
            return 0;
        }
        return (registerValue(register) >>> (8 * within)) & IoBus.allOnes(size);
    }

    private int registerValue(int register) {
        return switch (register) {
            case 0x020 -> id;
            case 0x030 -> VERSION;
            case 0x080 -> tpr;
            case 0x090 -> 0; // arbitration priority: a P6 relic, 0 on one CPU
            case 0x0A0 -> vectors.processorPriority(tpr);
            case 0x0B0 -> 0; // EOI is write-only
            case 0x0D0 -> logicalDestination;
            case 0x0E0 -> destinationFormat;
            case 0x0F0 -> svr;
            case 0x280 -> esr;
            case 0x300 -> icrLow & ~(1 << 12); // delivery status: always idle, every IPI is sent at once
            case 0x310 -> icrHigh;
            case 0x320, 0x330, 0x340, 0x350, 0x360, 0x370 -> lvt[(register - 0x320) >> 4];
            case 0x380 -> (int) timer.initialCount();
            case 0x390 -> (int) timer.currentCount();
            case 0x3E0 -> timer.divideConfiguration();
            default -> {
                if (register >= 0x100 && register < 0x180) yield vectors.isrWord((register - 0x100) >> 4);
                if (register >= 0x180 && register < 0x200) yield vectors.tmrWord((register - 0x180) >> 4);
                if (register >= 0x200 && register < 0x280) yield vectors.irrWord((register - 0x200) >> 4);
                error(ESR_ILLEGAL_REGISTER);
                yield 0;
            }
        };
    }

    @Override
    public void write(long offset, int size, int value) {
        int register = (int) offset & 0xFF0;
        if (size != 4 || (offset & 0xF) != 0) {
            ignoredWrites++;
            return;
        }
        switch (register) {
            case 0x020 -> setId(value & 0xFF00_0000);
            case 0x080 -> tpr = value & 0xFF;
            case 0x0B0 -> endOfInterrupt();
            case 0x0D0 -> logicalDestination = value & 0xFF00_0000;
            case 0x0E0 -> destinationFormat = value | 0x0FFF_FFFF;
            case 0x0F0 -> setSpuriousVector(value);
            case 0x280 -> { esr = errorsSinceEsrWrite; errorsSinceEsrWrite = 0; }
            case 0x300 -> { icrLow = value & 0x000C_CFFF; sendIpi(); }
            case 0x310 -> icrHigh = value & 0xFF00_0000;
            case 0x320, 0x330, 0x340, 0x350, 0x360, 0x370 -> setLvt((register - 0x320) >> 4, value);
            case 0x380 -> timer.start(Integer.toUnsignedLong(value));
            case 0x3E0 -> timer.setDivideConfiguration(value);
            case 0x030, 0x090, 0x0A0, 0x390 -> ignoredWrites++; // read-only
            default -> {
                if (register >= 0x100 && register < 0x280) ignoredWrites++; // ISR, TMR, IRR are read-only
                else error(ESR_ILLEGAL_REGISTER);
            }
        }
    }

    /** Writes ignored: narrow, unaligned, or to a read-only register. */
    public long ignoredWrites() {
        return ignoredWrites;
    }

    /** INIT, STARTUP and other IPIs sent to processors that do not exist (xv6's lapicstartap on one CPU). */
    public long ipisToNowhere() {
        return ipisToNowhere;
    }

    private void setSpuriousVector(int value) {
        svr = value & 0x1FF; // vector and APIC software enable; focus checking and EOI suppression are not modelled
        if (!softwareEnabled()) {
            for (int i = 0; i < lvt.length; i++) lvt[i] |= LVT_MASKED; // SDM 10.4.7.2: software disable masks every LVT
        }
    }

    private void setLvt(int index, int value) {
        int v = value & LVT_WRITABLE[index];
        if (!softwareEnabled()) v |= LVT_MASKED; // cannot be unmasked while software-disabled
        lvt[index] = v;
        if (index == TIMER) timer.setPeriodic((v & LVT_TIMER_PERIODIC) != 0);
    }

    /**
     * An interprocessor interrupt (SDM 10.6.1). Only this CPU exists: a fixed IPI to itself
     * (shorthand "self", "all including self", or its own ID) is accepted like any interrupt;
     * everything else, INIT and STARTUP to an AP above all, goes to nobody and is counted. An
     * INIT this CPU sends itself does not reset it: the only one kernels send is xv6's "INIT
     * level de-assert" to all, which only synchronises arbitration IDs (SDM 10.6.1).
     */
    private void sendIpi() {
        int shorthand = (icrLow >> 18) & 3;
        int mode = (icrLow >> 8) & 7;
        boolean toSelf = switch (shorthand) {
            case 1, 2 -> true;
            case 3 -> false;
            default -> (icrLow & (1 << 11)) == 0 ? (icrHigh >>> 24) == apicId() || (icrHigh >>> 24) == 0xFF
                    : (icrHigh & logicalDestination) != 0;
        };
        if (toSelf && (mode == 0 || mode == 1)) {
            int vector = icrLow & 0xFF;
            if (vector < 16) error(ESR_SEND_ILLEGAL_VECTOR);
            else receive(vector, false);
        }
        if (!toSelf || shorthand == 2 || mode != 0) {
            ipisToNowhere++;
        }
    }

    /**
     * An interrupt message arrives (from the I/O APIC, an IPI, or an LVT entry): into IRR, if
     * the APIC is software-enabled. Vectors 0-15 are illegal (SDM 10.5.2): an error instead.
     */
    public void receive(int vector, boolean level) {
        if (!softwareEnabled()) {
            return;
        }
        if (vector < 16) {
            error(ESR_RECEIVE_ILLEGAL_VECTOR);
            return;
        }
        vectors.request(vector & 0xFF, level);
    }

    private void error(int bit) {
        errorsSinceEsrWrite |= bit;
        int entry = lvt[ERROR];
        if ((entry & LVT_MASKED) == 0 && softwareEnabled() && (entry & 0xFF) >= 16) {
            vectors.request(entry & 0xFF, false);
        }
    }

    private void endOfInterrupt() {
        int ended = vectors.endOfInterrupt();
        if (ended >= 0 && (ended & 0x100) != 0) {
            levelEoi.accept(ended & 0xFF);
        }
    }

    /** Lets virtual time pass for the timer; each expiry with the timer's LVT unmasked requests its vector. */
    public void advance(long nanos) {
        if (timer.advance(nanos) > 0 && (lvt[TIMER] & LVT_MASKED) == 0) {
            receive(lvt[TIMER] & 0xFF, false);
        }
    }

    /** Virtual nanoseconds until the timer next interrupts, or {@link Pit8254#NEVER}. */
    public long nanosUntilNextInterrupt() {
        return (lvt[TIMER] & LVT_MASKED) == 0 && softwareEnabled() ? timer.nanosUntilExpiry() : Pit8254.NEVER;
    }

    /** How many times the timer has reached zero. */
    public long timerExpirations() {
        return timer.expirations();
    }

    private boolean extIntOpen() {
        return (lvt[LINT0] & LVT_MASKED) == 0 && (lvt[LINT0] & (7 << 8)) == DELIVERY_EXTINT;
    }

    @Override
    public boolean hasPendingInterrupt() {
        return vectors.deliverable(tpr) >= 0 || extIntOpen() && lint0.hasPendingInterrupt();
    }

    /** QEMU's order: the APIC's own vector first; the 8259A's through LINT0 when the APIC has none. */
    @Override
    public int acknowledge() {
        int vector = vectors.deliverable(tpr);
        if (vector >= 0) {
            vectors.beginService(vector);
            return vector;
        }
        if (extIntOpen() && lint0.hasPendingInterrupt()) {
            return lint0.acknowledge();
        }
        return svr & 0xFF; // the spurious vector: no ISR bit, no EOI wanted
    }

    /** Every register, for save and restore. */
    public record State(int id, int tpr, int svr, int logicalDestination, int destinationFormat, int icrLow, int icrHigh,
                        int esr, int errorsSinceEsrWrite, int[] lvt, int[] vectors, ApicTimer.State timer,
                        long ignoredWrites, long ipisToNowhere) implements DeviceState {}

    @Override
    public DeviceState save() {
        return new State(id, tpr, svr, logicalDestination, destinationFormat, icrLow, icrHigh, esr, errorsSinceEsrWrite,
                lvt.clone(), vectors.save(), timer.save(), ignoredWrites, ipisToNowhere);
    }

    @Override
    public void restore(DeviceState saved) {
        State s = Device.expect(State.class, saved, id());
        if (s.lvt() == null || s.lvt().length != lvt.length || s.timer() == null) {
            throw new IllegalArgumentException("device lapic: a saved state needs six LVT entries and a timer");
        }
        vectors.restore(s.vectors());
        setId(s.id()); tpr = s.tpr(); svr = s.svr(); logicalDestination = s.logicalDestination();
        destinationFormat = s.destinationFormat(); icrLow = s.icrLow(); icrHigh = s.icrHigh(); esr = s.esr();
        errorsSinceEsrWrite = s.errorsSinceEsrWrite(); System.arraycopy(s.lvt(), 0, lvt, 0, lvt.length);
        timer.restore(s.timer()); ignoredWrites = s.ignoredWrites(); ipisToNowhere = s.ipisToNowhere();
    }
}
