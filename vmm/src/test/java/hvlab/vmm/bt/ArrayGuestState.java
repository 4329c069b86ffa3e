package hvlab.vmm.bt;

import hvlab.cpu.Register;
import hvlab.vmm.trap.GuestState;

import java.util.EnumMap;
import java.util.Map;

/** A {@link GuestState} of plain arrays: 16-bit registers alias the low half of the 32-bit ones. */
final class ArrayGuestState implements GuestState {
    final Map<Register, Integer> registers = new EnumMap<>(Register.class);
    final byte[] memory;

    ArrayGuestState(int memoryBytes) {
        memory = new byte[memoryBytes];
    }

    @Override
    public int register(Register r) {
        if (r.width() == 2 && !r.isSegment()) {
            return registers.getOrDefault(wide(r), 0) & 0xFFFF;
        }
        return registers.getOrDefault(r, 0);
    }

    @Override
    public void setRegister(Register r, int value) {
        if (r.width() == 1) {
            throw new UnsupportedOperationException("no instruction here writes an 8-bit register");
        }
        if (r.width() == 2 && !r.isSegment()) {
            registers.put(wide(r), (registers.getOrDefault(wide(r), 0) & 0xFFFF0000) | (value & 0xFFFF));
        } else {
            registers.put(r, r.isSegment() ? value & 0xFFFF : value);
        }
    }

    private static Register wide(Register r) {
        return Register.GENERAL_32[r.ordinal() - Register.AX.ordinal()];
    }

    @Override
    public int read(long address, int size) {
        int value = 0;
        for (int i = size - 1; i >= 0; i--) value = (value << 8) | (memory[(int) address + i] & 0xFF);
        return value;
    }

    @Override
    public void write(long address, int size, int value) {
        for (int i = 0; i < size; i++) memory[(int) address + i] = (byte) (value >>> (8 * i));
    }

    void writeBytes(long address, byte[] bytes) {
        System.arraycopy(bytes, 0, memory, (int) address, bytes.length);
    }
}
