package hvlab.vmm.devices;

/**
 * One Intel 8259A Programmable Interrupt Controller. A PC/AT has two: the master at ports
 * 0x20-0x21 and the slave at 0xA0-0xA1, whose INT output drives the master's IR2 input
 * ({@link InterruptController} wires the pair). Each chip has eight request inputs IR0-IR7 and
 * three 8-bit registers (8259A datasheet, "Interrupt Sequence"): IRR, the inputs that asked for
 * service; ISR, the requests the CPU acknowledged whose handlers have not yet sent an end of
 * interrupt (EOI); IMR, the inputs the guest switched off.
 * The priority resolver raises INT when an unmasked request outranks everything in service;
 * the CPU's interrupt acknowledge cycle (INTA) then moves that request from IRR to ISR and
 * reads the vector, {@code ICW2 base | level}.
 *
 * <p>Programming: a write to the even port with bit 4 set is ICW1 and starts initialisation;
 * ICW2 (vector base), ICW3 (cascade wiring, only when ICW1 said "not single") and ICW4 (only
 * when ICW1 asked for it) follow on the odd port. After that the odd port is the mask (OCW1)
 * and the even port takes OCW2 (EOI and priority commands) or OCW3 (bit 3 set: which register
 * the even port reads, poll, special mask). Special fully nested mode, buffered mode and the
 * 8080 call-address mode are accepted and ignored: no x86 PC uses them.
 */
public final class Pic8259 implements IoDevice {
    public static final int MASTER_PORT = 0x20;
    public static final int SLAVE_PORT = 0xA0;

    private static final int ICW1_NEEDS_ICW4 = 0x01;
    private static final int ICW1_SINGLE = 0x02;
    private static final int ICW1_LEVEL_TRIGGERED = 0x08;
    private static final int ICW1_MARKER = 0x10;
    private static final int ICW4_AUTO_EOI = 0x02;
    private static final int OCW3_MARKER = 0x08;
    private static final int OCW3_POLL = 0x04;
    private static final int OCW3_READ_REGISTER = 0x02;
    private static final int OCW3_READ_ISR = 0x01;
    private static final int OCW3_SET_SPECIAL_MASK = 0x40;
    private static final int OCW3_SPECIAL_MASK = 0x20;
    /** The poll word's bit 7: "an interrupt was pending; its level is in bits 2-0". */
    private static final int POLL_INTERRUPT = 0x80;

    private enum InitStep { DONE, ICW2, ICW3, ICW4 }

    private final String name;
    private final int firstPort;
    private final InterruptLine intOutput;
    private int irr;
    private int isr;
    private int imr = 0xFF;
    /** The IR pins as their devices last drove them; edges are detected against this. */
    private int lineLevels;
    private int vectorBase;
    private int cascade;
    /** The level that currently has the lowest priority; the one after it has the highest. */
    private int lowestPriority = 7;
    private InitStep step = InitStep.DONE;
    private boolean single;
    private boolean needsIcw4;
    private boolean levelTriggered;
    private boolean autoEoi;
    private boolean rotateOnAutoEoi;
    private boolean specialMask;
    private boolean readIsr;
    private boolean pollNext;
    private boolean intAsserted;

    /**
     * A chip in its power-up state: every input masked, vector base 0, waiting for ICW1.
     *
     * @param intOutput the chip's INT pin: the CPU's INTR for a master, the master's IR2 for a slave
     */
    public Pic8259(String name, int firstPort, InterruptLine intOutput) {
        this.name = name;
        this.firstPort = firstPort;
        this.intOutput = intOutput;
    }

    /** Every register and latch of the chip, for save and restore. */
    public record State(int irr, int isr, int imr, int lineLevels, int vectorBase, int cascade, int lowestPriority,
                        String step, boolean single, boolean needsIcw4, boolean levelTriggered, boolean autoEoi,
                        boolean rotateOnAutoEoi, boolean specialMask, boolean readIsr, boolean pollNext,
                        boolean intAsserted) implements DeviceState {}

    @Override
    public String name() {
        return name;
    }

    @Override
    public String id() {
        return firstPort == MASTER_PORT ? "pic-master" : "pic-slave";
    }

    @Override
    public DeviceState save() {
        return new State(irr, isr, imr, lineLevels, vectorBase, cascade, lowestPriority, step.name(), single, needsIcw4,
                levelTriggered, autoEoi, rotateOnAutoEoi, specialMask, readIsr, pollNext, intAsserted);
    }

    /**
     * Takes up a saved state. The INT output is not driven again: the chip it feeds (the master,
     * or the CPU's INTR) is restored with the level it had, so both ends already agree.
     */
    @Override
    public void restore(DeviceState saved) {
        State s = Device.expect(State.class, saved, id());
        irr = s.irr(); isr = s.isr(); imr = s.imr(); lineLevels = s.lineLevels(); vectorBase = s.vectorBase();
        cascade = s.cascade(); lowestPriority = s.lowestPriority(); step = InitStep.valueOf(s.step());
        single = s.single(); needsIcw4 = s.needsIcw4(); levelTriggered = s.levelTriggered(); autoEoi = s.autoEoi();
        rotateOnAutoEoi = s.rotateOnAutoEoi(); specialMask = s.specialMask(); readIsr = s.readIsr();
        pollNext = s.pollNext(); intAsserted = s.intAsserted();
    }

    @Override
    public int firstPort() {
        return firstPort;
    }

    @Override
    public int portCount() {
        return 2;
    }

    @Override
    public int read(int port, int size) {
        if (port != firstPort) {
            return imr;
        }
        if (pollNext) {
            pollNext = false;
            return poll();
        }
        return readIsr ? isr : irr;
    }

    @Override
    public void write(int port, int size, int value) {
        int v = value & 0xFF;
        if (port == firstPort) {
            if ((v & ICW1_MARKER) != 0) beginInitialization(v);
            else if ((v & OCW3_MARKER) != 0) operationCommand3(v);
            else operationCommand2(v);
        } else {
            switch (step) {
                case ICW2 -> {
                    vectorBase = v & 0xF8; // bits 2-0 are the level, supplied at INTA
                    step = !single ? InitStep.ICW3 : needsIcw4 ? InitStep.ICW4 : InitStep.DONE;
                }
                case ICW3 -> {
                    cascade = v;
                    step = needsIcw4 ? InitStep.ICW4 : InitStep.DONE;
                }
                case ICW4 -> {
                    autoEoi = (v & ICW4_AUTO_EOI) != 0;
                    step = InitStep.DONE;
                }
                case DONE -> imr = v;
            }
        }
        updateOutput();
    }

    /**
     * Drives input pin {@code level} (0-7). In edge-triggered mode (every PC's default) a request
     * is latched in IRR on a rising edge and stays there after the line drops, so raising a line
     * that is already high asks for nothing. In level-triggered mode IRR follows the line.
     */
    public void setIrq(int level, boolean high) {
        int bit = 1 << level;
        boolean wasHigh = (lineLevels & bit) != 0;
        if (high) {
            lineLevels |= bit;
            if (levelTriggered || !wasHigh) irr |= bit;
        } else {
            lineLevels &= ~bit;
            if (levelTriggered) irr &= ~bit;
        }
        updateOutput();
    }

    /**
     * The level the priority resolver would send to the CPU now, or -1 if INT is low. A request
     * must be unmasked and outrank the highest level in service (equal rank does not interrupt
     * itself: a handler is not re-entered by its own IRQ before it sends EOI). In special mask
     * mode, masked levels in service stop blocking, so a handler can let lower levels through.
     */
    public int pendingIrq() {
        int request = highestPriority(irr & ~imr);
        if (request < 0) return -1;
        int inService = highestPriority(specialMask ? isr & ~imr : isr);
        if (inService >= 0 && rank(inService) <= rank(request)) return -1;
        return request;
    }

    /**
     * The second half of INTA for {@code level}: clear its request and mark it in service (or,
     * with automatic EOI from ICW4, do not, which is how a chip runs without EOI commands).
     */
    public void beginService(int level) {
        int bit = 1 << level;
        if (!levelTriggered) irr &= ~bit;
        if (!autoEoi) isr |= bit;
        else if (rotateOnAutoEoi) lowestPriority = level;
        updateOutput();
    }

    /** The vector the chip puts on the data bus for {@code level}. */
    public int vector(int level) {
        return vectorBase | level;
    }

    /** ICW3 of a master: does input {@code level} have a slave that supplies the vector? */
    public boolean hasSlaveOn(int level) {
        return !single && (cascade & (1 << level)) != 0;
    }

    /** The three registers and the ICW2 vector base, as a debugger or the TUI would show them. */
    public record Registers(int irr, int isr, int imr, int vectorBase) { }

    public Registers registers() {
        return new Registers(irr, isr, imr, vectorBase);
    }

    /**
     * ICW1. Per the datasheet it resets the edge sense (a line already high must fall and rise
     * again to be seen), clears the mask, makes IR7 the lowest priority, clears special mask mode
     * and selects IRR for reads; without IC4 every ICW4 feature is off. We also forget requests
     * and levels in service, as QEMU and Bochs do: a kernel re-initialises the chip to start over.
     */
    private void beginInitialization(int icw1) {
        needsIcw4 = (icw1 & ICW1_NEEDS_ICW4) != 0;
        single = (icw1 & ICW1_SINGLE) != 0;
        levelTriggered = (icw1 & ICW1_LEVEL_TRIGGERED) != 0;
        irr = levelTriggered ? lineLevels : 0;
        isr = 0;
        imr = 0;
        lowestPriority = 7;
        autoEoi = false;
        rotateOnAutoEoi = false;
        specialMask = false;
        readIsr = false;
        pollNext = false;
        step = InitStep.ICW2;
    }

    /** OCW2: bits 7-5 are R (rotate), SL (level in bits 2-0 is meaningful) and EOI. */
    private void operationCommand2(int ocw2) {
        int level = ocw2 & 7;
        switch (ocw2 >> 5) {
            case 0b001 -> endOfInterrupt(highestPriority(isr), false);
            case 0b011 -> endOfInterrupt(level, false);
            case 0b101 -> endOfInterrupt(highestPriority(isr), true);
            case 0b111 -> endOfInterrupt(level, true);
            case 0b100 -> rotateOnAutoEoi = true;
            case 0b000 -> rotateOnAutoEoi = false;
            case 0b110 -> lowestPriority = level;
            default -> { } // 0b010: no operation
        }
    }

    /**
     * Clears one in-service bit. A non-specific EOI clears the highest-priority one, which in
     * fully nested mode is always the handler now finishing. Rotation then gives the finished
     * level the lowest priority, so equal-priority devices take turns.
     */
    private void endOfInterrupt(int level, boolean rotate) {
        if (level < 0) return;
        isr &= ~(1 << level);
        if (rotate) lowestPriority = level;
    }

    private void operationCommand3(int ocw3) {
        if ((ocw3 & OCW3_SET_SPECIAL_MASK) != 0) specialMask = (ocw3 & OCW3_SPECIAL_MASK) != 0;
        if ((ocw3 & OCW3_POLL) != 0) pollNext = true;
        else if ((ocw3 & OCW3_READ_REGISTER) != 0) readIsr = (ocw3 & OCW3_READ_ISR) != 0;
    }

    /**
     * Poll mode: software that keeps interrupts disabled asks the chip directly. The read itself
     * acts as INTA (the level goes in service), so the handler must still send EOI.
     */
    private int poll() {
        int level = pendingIrq();
        if (level < 0) return 0;
        beginService(level);
        return POLL_INTERRUPT | level;
    }

    private int highestPriority(int bits) {
        for (int i = 1; i <= 8; i++) {
            int level = (lowestPriority + i) & 7;
            if ((bits & (1 << level)) != 0) return level;
        }
        return -1;
    }

    /** 0 for the highest priority, 7 for the lowest. */
    private int rank(int level) {
        return (level - lowestPriority - 1) & 7;
    }

    private void updateOutput() {
        boolean asserted = pendingIrq() >= 0;
        if (asserted != intAsserted) {
            intAsserted = asserted;
            intOutput.set(asserted);
        }
    }
}
