package hvlab.vmm.devices;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The PC's keyboard controller (an Intel 8042, ports 0x60 and 0x64) with a keyboard behind it,
 * on IRQ 1. Text typed into the VM arrives as scancodes ({@link Scancodes}, set 1) and waits in
 * the keyboard's buffer; the controller moves one byte at a time into its output buffer, sets
 * status bit 0 and raises IRQ 1; reading port 0x60 takes the byte, drops the line, and lets the
 * next one come (a new edge). xv6's {@code kbdgetc} is exactly this loop.
 *
 * <p>Port 0x64 reads the status (bit 0 output full, bit 2 system flag, bit 3 last write was a
 * command, bit 4 not inhibited) and takes controller commands: 0x20/0x60 read and write the
 * command byte (bit 0 IRQ 1 enable, bit 4 keyboard disabled), 0xAA self-test (0x55), 0xAB
 * interface test (0x00), 0xAD/0xAE disable and enable the keyboard, 0xA7/0xA8/0xA9 the absent
 * mouse port, 0xD0/0xD1 the output port (A20 is always on here), 0xD2 put a byte in the output
 * buffer as if typed. Writes to port 0x60 go to the keyboard: 0xFF reset (0xFA, 0xAA), 0xF4/0xF5
 * enable/disable scanning, 0xED LEDs, 0xF0 scancode set, 0xF3 typematic rate (each with its
 * parameter byte), 0xF2 identify (0xFA 0xAB 0x83), 0xEE echo; the rest are acknowledged (0xFA).
 * Unknown controller commands, and the reset pulse 0xFE, are ignored and counted.
 */
public final class Ps2Keyboard implements IoDevice {
    public static final int DATA_PORT = 0x60;
    public static final int STATUS_PORT = 0x64;
    public static final int IRQ = 1;
    /** Scancodes that may wait in the keyboard; more typed while nobody reads are lost (a real keyboard keeps 16). */
    static final int BUFFER_LIMIT = 256;
    /** Controller and keyboard replies that may wait: a guest that asks and never reads gets no more. */
    static final int REPLY_LIMIT = 16;
    static final int OUTPUT_FULL = 0x01, SYSTEM = 0x04, COMMAND = 0x08, UNLOCKED = 0x10;
    static final int INTERRUPT_ENABLED = 0x01, KEYBOARD_DISABLED = 0x10;
    static final int ACK = 0xFA;

    private final InterruptLine irq;
    private final ArrayDeque<Integer> replies = new ArrayDeque<>();
    private final ArrayDeque<Integer> typed = new ArrayDeque<>();
    private int output = -1;
    private int commandByte = 0x45; // IRQ 1 on, system flag, translation to set 1
    private int expecting;          // a command waiting for its parameter byte on port 0x60, or 0
    private boolean lastWriteWasCommand;
    private boolean scanning = true;
    private boolean irqHigh;
    private long lost;
    private long ignored;

    public Ps2Keyboard(InterruptLine irq) {
        this.irq = irq;
    }

    @Override public String name() { return "8042 keyboard controller"; }
    @Override public String id() { return "keyboard"; }
    @Override public int firstPort() { return DATA_PORT; }
    @Override public int portCount() { return 1; }

    @Override
    public List<PortRange> ports() {
        return List.of(new PortRange(DATA_PORT, 1), new PortRange(STATUS_PORT, 1));
    }

    /** Types {@code text}: each character a key press and release, in scancode set 1. */
    public void type(byte[] text) {
        for (byte b : text) {
            for (byte code : Scancodes.of((char) (b & 0xFF))) {
                if (typed.size() >= BUFFER_LIMIT) lost++;
                else typed.add(code & 0xFF);
            }
        }
        refill();
    }

    /** Scancodes lost because the keyboard's buffer was full. */
    public long lost() {
        return lost;
    }

    /** Controller commands ignored (unknown, or the reset pulse). */
    public long ignored() {
        return ignored;
    }

    @Override
    public int read(int port, int size) {
        if (port == STATUS_PORT) {
            return (output >= 0 ? OUTPUT_FULL : 0) | SYSTEM | (lastWriteWasCommand ? COMMAND : 0) | UNLOCKED;
        }
        int value = output >= 0 ? output : 0;
        if (output >= 0) {
            output = -1;
            updateIrq(); // the line drops; the next byte raises it again, a new edge
            refill();
        }
        return value;
    }

    @Override
    public void write(int port, int size, int value) {
        int v = value & 0xFF;
        lastWriteWasCommand = port == STATUS_PORT;
        if (port == STATUS_PORT) controllerCommand(v);
        else if (expecting != 0) parameter(v);
        else keyboardCommand(v);
        refill();
    }

    private void controllerCommand(int command) {
        switch (command) {
            case 0x20 -> reply(commandByte);
            case 0x60, 0xD1, 0xD2 -> expecting = 0x100 | command; // the next byte on 0x60 is for the controller
            case 0xA7, 0xA8 -> { } // the mouse port: there is no mouse
            case 0xA9 -> reply(0xFF); // mouse port test: no port
            case 0xAA -> reply(0x55);
            case 0xAB -> reply(0x00);
            case 0xAD -> commandByte |= KEYBOARD_DISABLED;
            case 0xAE -> commandByte &= ~KEYBOARD_DISABLED;
            case 0xD0 -> reply(0x03); // output port: A20 on, not in reset
            default -> ignored++;
        }
    }

    private void parameter(int v) {
        int command = expecting;
        expecting = 0;
        switch (command) {
            case 0x160 -> commandByte = v;
            case 0x1D1 -> { } // output port: A20 stays on, reset is not wired
            case 0x1D2 -> reply(v);
            default -> reply(ACK); // 0xED LEDs, 0xF0 scancode set, 0xF3 typematic: accepted
        }
    }

    private void keyboardCommand(int command) {
        switch (command) {
            case 0xFF -> { typed.clear(); scanning = true; reply(ACK); reply(0xAA); }
            case 0xF4 -> { scanning = true; reply(ACK); }
            case 0xF5 -> { scanning = false; reply(ACK); }
            case 0xED, 0xF0, 0xF3 -> { expecting = command; reply(ACK); }
            case 0xF2 -> { reply(ACK); reply(0xAB); reply(0x83); }
            case 0xEE -> reply(0xEE);
            default -> reply(ACK);
        }
    }

    private void reply(int value) {
        if (replies.size() < REPLY_LIMIT) replies.add(value);
        else lost++;
    }

    /** Moves the next byte into the empty output buffer: the controller's replies first, then keys. */
    private void refill() {
        if (output >= 0) {
            updateIrq(); // the command byte may have just enabled it
            return;
        }
        if (!replies.isEmpty()) {
            output = replies.poll();
        } else if (!typed.isEmpty() && scanning && (commandByte & KEYBOARD_DISABLED) == 0) {
            output = typed.poll();
        }
        updateIrq();
    }

    /** IRQ 1 is high while a byte waits and the command byte enables it (setting it again is no new edge). */
    private void updateIrq() {
        boolean high = output >= 0 && (commandByte & INTERRUPT_ENABLED) != 0;
        if (high != irqHigh) {
            irqHigh = high;
            irq.set(high);
        }
    }

    public record State(int output, int[] replies, int[] typed, int commandByte, int expecting, boolean lastWriteWasCommand,
                        boolean scanning, long lost, long ignored) implements DeviceState {}

    @Override
    public DeviceState save() {
        return new State(output, replies.stream().mapToInt(Integer::intValue).toArray(),
                typed.stream().mapToInt(Integer::intValue).toArray(), commandByte, expecting, lastWriteWasCommand, scanning,
                lost, ignored);
    }

    @Override
    public void restore(DeviceState saved) {
        State s = Device.expect(State.class, saved, id());
        if (s.replies() == null || s.typed() == null || s.typed().length > BUFFER_LIMIT || s.replies().length > REPLY_LIMIT) {
            throw new IllegalArgumentException("device keyboard: saved buffers missing or too long");
        }
        replies.clear();
        typed.clear();
        for (int b : s.replies()) replies.add(b & 0xFF);
        for (int b : s.typed()) typed.add(b & 0xFF);
        output = s.output() < 0 ? -1 : s.output() & 0xFF;
        commandByte = s.commandByte() & 0xFF; expecting = s.expecting(); lastWriteWasCommand = s.lastWriteWasCommand();
        scanning = s.scanning(); lost = s.lost(); ignored = s.ignored();
        irqHigh = output >= 0 && (commandByte & INTERRUPT_ENABLED) != 0; // the controllers restore the line's level themselves
    }
}
