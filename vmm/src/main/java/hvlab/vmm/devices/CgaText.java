package hvlab.vmm.devices;

import hvlab.vmm.memory.GuestRam;

import java.util.ArrayList;
import java.util.List;

/**
 * The CGA's 80x25 text screen: the characters live in guest RAM at 0xB8000 (two bytes a cell,
 * the character then its colour; guest RAM covers the legacy hole, so the buffer is plain memory
 * the guest writes at full speed), and the Motorola 6845 CRT controller at ports 0x3D4 (index)
 * and 0x3D5 (data) holds where the screen starts (registers 12-13) and where the cursor is
 * (14-15), the two xv6's {@code cgaputc} reads and writes. The other 6845 registers are kept and
 * read back; an index above 17 selects nothing (reads 0xFF, writes are dropped).
 *
 * <p>{@link #screen} is the picture a monitor would show, for the UI: 25 lines of 80 characters.
 */
public final class CgaText implements IoDevice {
    public static final int INDEX_PORT = 0x3D4;
    public static final long BUFFER = 0xB8000;
    public static final int COLUMNS = 80;
    public static final int ROWS = 25;
    static final int REGISTERS = 18;
    static final int START_HIGH = 12, START_LOW = 13, CURSOR_HIGH = 14, CURSOR_LOW = 15;

    private final int[] registers = new int[REGISTERS];
    private int index;

    @Override public String name() { return "CGA text (6845 CRTC)"; }
    @Override public String id() { return "cga"; }
    @Override public int firstPort() { return INDEX_PORT; }
    @Override public int portCount() { return 2; }

    @Override
    public int read(int port, int size) {
        if (port == INDEX_PORT) {
            return index;
        }
        return index < REGISTERS ? registers[index] : 0xFF;
    }

    @Override
    public void write(int port, int size, int value) {
        if (port == INDEX_PORT) {
            index = value & 0x1F;
            if (size >= 2) { // "out dx, ax": index in AL, data in AH, one instruction (a common trick)
                write(INDEX_PORT + 1, 1, value >> 8);
            }
        } else if (index < REGISTERS) {
            registers[index] = value & 0xFF;
        }
    }

    /** The cursor's cell, 0 at the top left (row = cell / 80). */
    public int cursor() {
        return (registers[CURSOR_HIGH] << 8 | registers[CURSOR_LOW]) & 0x3FFF;
    }

    /**
     * The screen: 25 lines of 80 characters, from the start address on, read through the one
     * door to guest RAM. Characters outside printable ASCII show as spaces (NUL, as a fresh
     * buffer holds) or '.'; a machine whose RAM does not cover the buffer shows a blank screen.
     */
    public List<String> screen(GuestRam ram) {
        int start = (registers[START_HIGH] << 8 | registers[START_LOW]) & 0x3FFF;
        long from = BUFFER + 2L * start;
        int bytes = 2 * COLUMNS * ROWS;
        byte[] cells = ram.contains(from, bytes) ? ram.readBytes(from, bytes) : new byte[bytes];
        List<String> lines = new ArrayList<>(ROWS);
        for (int row = 0; row < ROWS; row++) {
            StringBuilder line = new StringBuilder(COLUMNS);
            for (int column = 0; column < COLUMNS; column++) {
                int c = cells[2 * (row * COLUMNS + column)] & 0xFF;
                line.append(c == 0 ? ' ' : c >= 0x20 && c < 0x7F ? (char) c : '.');
            }
            lines.add(line.toString());
        }
        return lines;
    }

    public record State(int index, int[] registers) implements DeviceState {}

    @Override
    public DeviceState save() {
        return new State(index, registers.clone());
    }

    @Override
    public void restore(DeviceState saved) {
        State s = Device.expect(State.class, saved, id());
        if (s.registers() == null || s.registers().length != REGISTERS) {
            throw new IllegalArgumentException("device cga: a saved state needs 18 registers");
        }
        index = s.index() & 0x1F;
        for (int i = 0; i < REGISTERS; i++) registers[i] = s.registers()[i] & 0xFF;
    }
}
