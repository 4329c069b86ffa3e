package hvlab.vmm.devices;

import hvlab.vmm.console.ConsoleLog;

import java.util.ArrayDeque;
import java.util.function.IntConsumer;

/**
 * COM1, a subset of the National Semiconductor 16550A UART at ports 0x3F8-0x3FF: the guest's
 * console. A guest writes a byte to the transmit holding register (THR, offset 0) once the line
 * status register (LSR, offset 5) says the transmitter is empty. Our transmitter is always empty:
 * every byte is delivered at once to the VMM's console.
 *
 * <p>Receiving: bytes typed on the host arrive through {@link #receive(int)} into the 16550A's
 * 16-byte receive FIFO. LSR bit 0 (DR) says a byte is waiting; reading the receive buffer (RBR,
 * the same offset 0 as THR) takes the oldest. A byte that arrives to a full FIFO is lost and
 * sets LSR bit 1 (OE, overrun), which the next LSR read clears. Our subset keeps the FIFO on
 * always: the FIFO control register (FCR) bit 0 only changes what IIR bits 7-6 report (how
 * Linux tells a 16550A from a 16450, whose single holding register would lose a pasted line),
 * and FCR bit 1 empties the FIFO. We report data at once, as the chip does with a trigger level
 * of 1; other trigger levels are accepted and treated as 1, so the character-timeout interrupt
 * (IIR 0x0C) is never needed.
 *
 * <p>Interrupts (16550 datasheet, "Interrupt Identification Register"): the enables are IER
 * bits 0-3, the IIR names the highest-priority cause, and the INTR output is raised while any
 * enabled cause is pending. Priorities, highest first: receiver line status (IIR 0x06, an
 * overrun, if IER bit 2), received data available (0x04, if IER bit 0; cleared by emptying the
 * FIFO), THR empty (0x02, if IER bit 1; cleared by reading the IIR that reports it or by writing
 * THR, and set again when a byte has gone, which here is at once). Modem status (IER bit 3)
 * never changes here, so it never interrupts. INTR drives ISA IRQ4 directly; a real PC gates it
 * with the OUT2 bit of the modem control register, which we, like QEMU, do not require.
 * Loopback (MCR bit 4) is stored but not modelled.
 */
public final class SerialPort implements IoDevice {
    public static final int COM1 = 0x3F8;
    /** The 16550A's receive FIFO depth. */
    public static final int FIFO_DEPTH = 16;
    private static final int DATA = 0;
    private static final int IER = 1;
    private static final int IIR_FCR = 2;
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;
    private static final int LSR_DATA_READY = 0x01;
    private static final int LSR_OVERRUN = 0x02;
    /** LSR bits 5 and 6: transmit holding register empty, transmitter empty. */
    private static final int LSR_TRANSMITTER_EMPTY = 0x60;
    private static final int IER_RECEIVED_DATA = 0x01;
    private static final int IER_THR_EMPTY = 0x02;
    private static final int IER_LINE_STATUS = 0x04;
    /** IIR with bit 0 set: no interrupt pending. */
    private static final int IIR_NONE_PENDING = 0x01;
    private static final int IIR_LINE_STATUS = 0x06;
    private static final int IIR_RECEIVED_DATA = 0x04;
    private static final int IIR_THR_EMPTY = 0x02;
    /** IIR bits 7-6 both set: the FIFOs are enabled (how a driver tells a 16550A from a 16450). */
    private static final int IIR_FIFOS_ENABLED = 0xC0;
    private static final int FCR_ENABLE_FIFOS = 0x01;
    private static final int FCR_CLEAR_RECEIVE = 0x02;
    /** LCR bit 7, the divisor latch access bit: offsets 0 and 1 then address the baud divisor. */
    private static final int LCR_DLAB = 0x80;

    /** The registers a guest can set, the receive FIFO (oldest byte first) and the pending causes, for save and restore. */
    public record State(int interruptEnable, int lineControl, int modemControl, int scratch, int divisor,
                        boolean fifosEnabled, byte[] received, boolean overrun, boolean thrEmptyPending,
                        long overruns) implements DeviceState {
        public State {
            received = received.clone();
        }
    }

    private final ConsoleLog output;
    private final IntConsumer console;
    private final InterruptLine irq;
    private final ArrayDeque<Integer> received = new ArrayDeque<>(FIFO_DEPTH);
    private int interruptEnable;
    /** The guest has read the LSR since this port was made (not saved: IER says enough after a restore, or the next read). */
    private boolean lineStatusRead;
    private int lineControl;
    private int modemControl;
    private int scratch;
    private int divisor = 1;
    private boolean fifosEnabled;
    private boolean overrun;
    private boolean thrEmptyPending;
    private long overruns;
    private boolean irqHigh;

    /** @param console receives each byte the guest sends, as it is sent (may be {@code b -> {}}) */
    public SerialPort(IntConsumer console) {
        this(console, new ConsoleLog(), InterruptLine.UNCONNECTED);
    }

    /**
     * @param console receives each byte the guest sends, as it is sent
     * @param output  keeps the output, with a bound
     * @param irq     the UART's INTR output, normally {@code pic.line(4)}
     */
    public SerialPort(IntConsumer console, ConsoleLog output, InterruptLine irq) {
        this.console = console;
        this.output = output;
        this.irq = irq;
    }

    @Override
    public String id() {
        return "com1";
    }

    @Override
    public DeviceState save() {
        byte[] fifo = new byte[received.size()];
        int i = 0;
        for (int b : received) fifo[i++] = (byte) b;
        return new State(interruptEnable, lineControl, modemControl, scratch, divisor, fifosEnabled, fifo, overrun,
                thrEmptyPending, overruns);
    }

    /** Takes up a saved state; IRQ4 is not driven again (the PIC is restored with the level it had). */
    @Override
    public void restore(DeviceState saved) {
        State s = Device.expect(State.class, saved, id());
        interruptEnable = s.interruptEnable();
        lineControl = s.lineControl();
        modemControl = s.modemControl();
        scratch = s.scratch();
        divisor = s.divisor();
        fifosEnabled = s.fifosEnabled();
        received.clear();
        for (byte b : s.received()) received.add(b & 0xFF);
        overrun = s.overrun();
        thrEmptyPending = s.thrEmptyPending();
        overruns = s.overruns();
        irqHigh = interruptIdentification() != IIR_NONE_PENDING;
    }

    @Override
    public String name() {
        return "COM1 serial (16550A)";
    }

    @Override
    public int firstPort() {
        return COM1;
    }

    @Override
    public int portCount() {
        return 8;
    }

    @Override
    public int read(int port, int size) {
        boolean dlab = (lineControl & LCR_DLAB) != 0;
        int value = switch (port - COM1) {
            case DATA -> dlab ? divisor & 0xFF : takeReceived();
            case IER -> dlab ? divisor >> 8 : interruptEnable;
            case IIR_FCR -> readInterruptIdentification();
            case LCR -> lineControl;
            case MCR -> modemControl;
            case LSR -> readLineStatus();
            case MSR -> 0;
            case SCR -> scratch;
            default -> 0xFF;
        };
        updateIrq();
        return value;
    }

    @Override
    public void write(int port, int size, int value) {
        boolean dlab = (lineControl & LCR_DLAB) != 0;
        int v = value & 0xFF;
        switch (port - COM1) {
            case DATA -> {
                if (dlab) {
                    divisor = (divisor & 0xFF00) | v;
                } else {
                    transmit(v);
                    thrEmptyPending = true; // the byte left at once: THR is empty again
                }
            }
            case IER -> {
                if (dlab) {
                    divisor = (divisor & 0xFF) | (v << 8);
                } else {
                    // Enabling the THR-empty interrupt while THR is empty interrupts at once.
                    if ((v & IER_THR_EMPTY) != 0 && (interruptEnable & IER_THR_EMPTY) == 0) thrEmptyPending = true;
                    interruptEnable = v & 0x0F;
                }
            }
            case IIR_FCR -> fifoControl(v);
            case LCR -> lineControl = v;
            case MCR -> modemControl = v & 0x1F;
            case SCR -> scratch = v;
            default -> { } // the read-only status registers
        }
        updateIrq();
    }

    /** A byte arrives on the receive line (typed by a user): into the FIFO, or lost as an overrun if it is full. */
    public void receive(int value) {
        if (received.size() >= FIFO_DEPTH) {
            overrun = true;
            overruns++;
        } else {
            received.add(value & 0xFF);
        }
        updateIrq();
    }

    /** Sends one byte to the console as if written to THR, whatever the line settings (the paravirtual console uses this). */
    public void transmit(int value) {
        output.append(value & 0xFF);
        console.accept(value & 0xFF);
    }

    /** Bytes waiting in the receive FIFO. */
    public int bytesWaiting() {
        return received.size();
    }

    /**
     * Is the guest's driver listening to the receiver yet: has it enabled the received-data
     * interrupt, or read the line status to poll for data? Text typed ahead waits until it is
     * (see {@code Vm.sendInput}). Bytes that reach a UART before its driver has set it up are
     * lost on real hardware too, when the driver empties the FIFO (hvos and Linux write FCR with
     * both "clear" bits): a pipe into {@code hv run --stdin} lost its first 16 bytes whenever
     * they came before hvos's {@code console_init}.
     */
    public boolean listening() {
        return lineStatusRead || (interruptEnable & IER_RECEIVED_DATA) != 0;
    }

    /** Bytes lost because they arrived to a full receive FIFO. */
    public long overruns() {
        return overruns;
    }

    /** What the guest has written so far, as far as the log keeps it, decoded as UTF-8. */
    public String text() {
        return output.text();
    }

    /** The log of everything the guest wrote (bounded). */
    public ConsoleLog log() {
        return output;
    }

    /** RBR with nothing received reads as 0 (the register holds no byte). */
    private int takeReceived() {
        Integer b = received.poll();
        return b == null ? 0 : b;
    }

    /** Reading the LSR clears the error bits it reports (overrun here). */
    private int readLineStatus() {
        lineStatusRead = true;
        int status = LSR_TRANSMITTER_EMPTY | (received.isEmpty() ? 0 : LSR_DATA_READY) | (overrun ? LSR_OVERRUN : 0);
        overrun = false;
        return status;
    }

    /** Reading the IIR when it names THR empty is how a driver acknowledges that cause. */
    private int readInterruptIdentification() {
        int cause = interruptIdentification();
        if (cause == IIR_THR_EMPTY) thrEmptyPending = false;
        return cause | (fifosEnabled ? IIR_FIFOS_ENABLED : 0);
    }

    /** The highest-priority enabled cause, IIR bits 3-0 (bit 0 set: none). */
    private int interruptIdentification() {
        if ((interruptEnable & IER_LINE_STATUS) != 0 && overrun) return IIR_LINE_STATUS;
        if ((interruptEnable & IER_RECEIVED_DATA) != 0 && !received.isEmpty()) return IIR_RECEIVED_DATA;
        if ((interruptEnable & IER_THR_EMPTY) != 0 && thrEmptyPending) return IIR_THR_EMPTY;
        return IIR_NONE_PENDING;
    }

    /** FCR: bit 0 says the FIFOs are on (IIR bits 7-6), bit 1 empties the receive FIFO. */
    private void fifoControl(int fcr) {
        fifosEnabled = (fcr & FCR_ENABLE_FIFOS) != 0;
        if ((fcr & FCR_CLEAR_RECEIVE) != 0) received.clear();
    }

    private void updateIrq() {
        boolean high = interruptIdentification() != IIR_NONE_PENDING;
        if (high != irqHigh) {
            irqHigh = high;
            irq.set(high);
        }
    }
}
