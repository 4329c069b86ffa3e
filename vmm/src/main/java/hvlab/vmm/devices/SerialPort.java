package hvlab.vmm.devices;

import hvlab.vmm.console.ConsoleLog;

import java.util.function.IntConsumer;

/**
 * COM1, a subset of the National Semiconductor 16550 UART at ports 0x3F8-0x3FF: the guest's
 * console. A guest writes a byte to the transmit holding register (THR, offset 0) once the line
 * status register (LSR, offset 5) says the transmitter is empty. Our transmitter is always empty:
 * every byte is delivered at once to the VMM's console.
 */
public final class SerialPort implements IoDevice {
    public static final int COM1 = 0x3F8;
    private static final int THR = 0;
    private static final int IER = 1;
    private static final int IIR = 2;
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;
    /** LSR bits 5 and 6: transmit holding register empty, transmitter empty. */
    private static final int LSR_TRANSMITTER_EMPTY = 0x60;
    /** IIR with bit 0 set: no interrupt pending. */
    private static final int IIR_NONE_PENDING = 0x01;
    /** LCR bit 7, the divisor latch access bit: offsets 0 and 1 then address the baud divisor. */
    private static final int LCR_DLAB = 0x80;

    /** The registers a guest can set, for save and restore. */
    public record State(int interruptEnable, int lineControl, int modemControl, int scratch, int divisor) implements DeviceState {}

    private final ConsoleLog output;
    private final IntConsumer console;
    private int interruptEnable;
    private int lineControl;
    private int modemControl;
    private int scratch;
    private int divisor = 1;

    /** @param console receives each byte the guest sends, as it is sent (may be {@code b -> {}}) */
    public SerialPort(IntConsumer console) {
        this(console, new ConsoleLog());
    }

    /**
     * @param console receives each byte the guest sends, as it is sent
     * @param output  keeps the output, with a bound
     */
    public SerialPort(IntConsumer console, ConsoleLog output) {
        this.console = console;
        this.output = output;
    }

    @Override
    public String id() {
        return "com1";
    }

    @Override
    public DeviceState save() {
        return new State(interruptEnable, lineControl, modemControl, scratch, divisor);
    }

    @Override
    public void restore(DeviceState saved) {
        State s = Device.expect(State.class, saved, id());
        interruptEnable = s.interruptEnable();
        lineControl = s.lineControl();
        modemControl = s.modemControl();
        scratch = s.scratch();
        divisor = s.divisor();
    }

    @Override
    public String name() {
        return "COM1 serial (16550)";
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
        return switch (port - COM1) {
            case THR -> dlab ? divisor & 0xFF : 0; // receive buffer: no input yet
            case IER -> dlab ? divisor >> 8 : interruptEnable;
            case IIR -> IIR_NONE_PENDING;
            case LCR -> lineControl;
            case MCR -> modemControl;
            case LSR -> LSR_TRANSMITTER_EMPTY;
            case MSR -> 0;
            case SCR -> scratch;
            default -> 0xFF;
        };
    }

    @Override
    public void write(int port, int size, int value) {
        boolean dlab = (lineControl & LCR_DLAB) != 0;
        switch (port - COM1) {
            case THR -> {
                if (dlab) {
                    divisor = (divisor & 0xFF00) | (value & 0xFF);
                } else {
                    transmit(value);
                }
            }
            case IER -> {
                if (dlab) divisor = (divisor & 0xFF) | ((value & 0xFF) << 8);
                else interruptEnable = value & 0x0F;
            }
            case LCR -> lineControl = value & 0xFF;
            case MCR -> modemControl = value & 0x1F;
            case SCR -> scratch = value & 0xFF;
            default -> { } // FIFO control and the read-only status registers
        }
    }

    /** A byte arrives on the receive line (input support is being built: for now it is dropped). */
    public void receive(int value) {
    }

    /** Sends one byte to the console as if written to THR, whatever the line settings (the paravirtual console uses this). */
    public void transmit(int value) {
        output.append(value & 0xFF);
        console.accept(value & 0xFF);
    }

    /** What the guest has written so far, as far as the log keeps it, decoded as UTF-8. */
    public String text() {
        return output.text();
    }

    /** The log of everything the guest wrote (bounded). */
    public ConsoleLog log() {
        return output;
    }
}
