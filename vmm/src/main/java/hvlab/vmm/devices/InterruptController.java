package hvlab.vmm.devices;

import java.util.List;

/**
 * The PC/AT's two cascaded 8259A chips as the VMM sees them: ISA IRQ0-7 enter the master,
 * IRQ8-15 the slave, and the slave's INT output is wired to the master's IR2. Attach both chips
 * ({@link #devices()}) to the I/O bus; devices drive {@link #line(int)}; the vCPU loop asks
 * {@link #hasPendingInterrupt()} when the guest's virtual IF is 1 and delivers the vector
 * {@link #acknowledge()} returns, which is the CPU's two INTA bus cycles.
 *
 * <p>Both chips start as SeaBIOS's {@code pic_reset} leaves them on every PC: master vectors at
 * 0x08, slave at 0x70, cascade on IR2, every IRQ masked except the cascade input. In protected
 * mode 0x08-0x0F are CPU exception vectors (0x08 is #DF), which is why every protected-mode
 * kernel reprograms the master, Linux to 0x20 and the slave to 0x28.
 */
public final class InterruptController implements InterruptSource {
    /** The master input the slave's INT output occupies. */
    public static final int CASCADE_IRQ = 2;
    /**
     * ISA bus pin B4 carried IRQ2 on the PC/XT; the AT gave that input to the slave and routed
     * the pin to IRQ9 instead, so old cards asking for IRQ2 arrive at the slave's IR1.
     */
    public static final int REDIRECTED_IRQ2 = 9;

    private final Pic8259 master;
    private final Pic8259 slave;
    private long spuriousInterrupts;

    /** A pair whose master INT output goes nowhere: the VMM polls {@link #hasPendingInterrupt()}. */
    public InterruptController() {
        this(InterruptLine.UNCONNECTED);
    }

    /** @param cpuIntr the CPU's INTR pin, e.g. to wake a halted vCPU when it rises */
    public InterruptController(InterruptLine cpuIntr) {
        master = new Pic8259("8259A PIC (master)", Pic8259.MASTER_PORT, cpuIntr);
        slave = new Pic8259("8259A PIC (slave)", Pic8259.SLAVE_PORT, high -> master.setIrq(CASCADE_IRQ, high));
        initializeLikeTheBios();
    }

    public Pic8259 master() {
        return master;
    }

    public Pic8259 slave() {
        return slave;
    }

    /** Both chips, for {@link IoBus#attach(IoDevice)}. */
    public List<IoDevice> devices() {
        return List.of(master, slave);
    }

    /** Drives ISA IRQ line {@code irq} (0-15); IRQ2 is the redirected pin, see {@link #REDIRECTED_IRQ2}. */
    public void setIrq(int irq, boolean high) {
        if (irq < 0 || irq > 15) {
            throw new IllegalArgumentException("no ISA IRQ " + irq);
        }
        int pin = irq == CASCADE_IRQ ? REDIRECTED_IRQ2 : irq;
        if (pin < 8) master.setIrq(pin, high);
        else slave.setIrq(pin - 8, high);
    }

    public void raiseIrq(int irq) {
        setIrq(irq, true);
    }

    public void lowerIrq(int irq) {
        setIrq(irq, false);
    }

    /** A rising then a falling edge: one request from an edge-triggered device such as a keyboard. */
    public void pulseIrq(int irq) {
        raiseIrq(irq);
        lowerIrq(irq);
    }

    /** IRQ line {@code irq} as a wire a device can drive, e.g. the PIT's counter 0 output on IRQ0. */
    public InterruptLine line(int irq) {
        if (irq < 0 || irq > 15) {
            throw new IllegalArgumentException("no ISA IRQ " + irq);
        }
        return high -> setIrq(irq, high);
    }

    /** Is the master's INT output, the CPU's INTR pin, asserted? */
    @Override
    public boolean hasPendingInterrupt() {
        return master.pendingIrq() >= 0;
    }

    /**
     * The CPU's interrupt acknowledge: returns the vector to deliver and moves the request from
     * IRR to ISR on the chip (or both chips) involved. The guest's handler must then send EOI.
     *
     * <p>If nothing is pending at INTA (the request vanished: it was masked, or a level-triggered
     * line dropped, between INTR and the acknowledge) the 8259A answers with its IR7 vector and
     * sets no ISR bit: a spurious interrupt, which a handler recognises by reading ISR and must
     * not acknowledge with EOI. When the master has picked IR2 but the slave has nothing, the
     * slave answers with its IR7 (IRQ15) and the master's ISR bit 2 stays set, so that handler
     * must send EOI to the master only (the master never learns the request was spurious).
     */
    @Override
    public int acknowledge() {
        int level = master.pendingIrq();
        if (level < 0) {
            spuriousInterrupts++;
            return master.vector(7);
        }
        master.beginService(level);
        if (!master.hasSlaveOn(level)) {
            return master.vector(level);
        }
        int slaveLevel = slave.pendingIrq();
        if (slaveLevel < 0) {
            spuriousInterrupts++;
            return slave.vector(7);
        }
        slave.beginService(slaveLevel);
        return slave.vector(slaveLevel);
    }

    /** How many acknowledges found nothing to deliver and answered with an IR7 vector. */
    public long spuriousInterrupts() {
        return spuriousInterrupts;
    }

    /** The port writes of SeaBIOS's {@code pic_reset(0x08, 0x70)}, the state every PC boots with. */
    private void initializeLikeTheBios() {
        int[] masterWords = {0x08, 1 << CASCADE_IRQ, 0x01}; // ICW2 base, ICW3 slave on IR2, ICW4 8086 mode
        int[] slaveWords = {0x70, CASCADE_IRQ, 0x01}; // ICW3 of a slave is its cascade identity
        master.write(Pic8259.MASTER_PORT, 1, 0x11); // ICW1: edge triggered, cascaded, ICW4 follows
        slave.write(Pic8259.SLAVE_PORT, 1, 0x11);
        for (int i = 0; i < 3; i++) {
            master.write(Pic8259.MASTER_PORT + 1, 1, masterWords[i]);
            slave.write(Pic8259.SLAVE_PORT + 1, 1, slaveWords[i]);
        }
        master.write(Pic8259.MASTER_PORT + 1, 1, 0xFF & ~(1 << CASCADE_IRQ));
        slave.write(Pic8259.SLAVE_PORT + 1, 1, 0xFF);
    }
}
