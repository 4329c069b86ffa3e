package hvlab.vmm.trap;

import hvlab.cpu.Register;

import java.util.EnumMap;
import java.util.Map;

/** A {@link GuestState} of plain Java arrays, for emulation tests with no CPU. 8- and 16-bit registers alias the 32-bit ones. */
final class FakeGuestState implements GuestState {
    final Map<Register, Integer> registers = new EnumMap<>(Register.class);
    final byte[] memory;

    FakeGuestState(int memoryBytes) {
        memory = new byte[memoryBytes];
    }

    @Override
    public int register(Register r) {
        return switch (r) {
            case AX, CX, DX, BX, SP, BP, SI, DI -> full(r) & 0xFFFF;
            case AL, CL, DL, BL -> full(r) & 0xFF;
            case AH, CH, DH, BH -> (full(r) >> 8) & 0xFF;
            default -> registers.getOrDefault(r, 0);
        };
    }

    private int full(Register r) {
        return registers.getOrDefault(Register.GENERAL_32[r.ordinal() % 8], 0);
    }

    @Override
    public void setRegister(Register r, int value) {
        switch (r.width()) {
            case 4 -> registers.put(r, value);
            case 2 -> {
                Register wide = r.isSegment() ? r : Register.GENERAL_32[r.ordinal() % 8];
                registers.put(wide, r.isSegment() ? value & 0xFFFF : (full(r) & 0xFFFF0000) | (value & 0xFFFF));
            }
            default -> throw new UnsupportedOperationException("8-bit writes are not needed here");
        }
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
}
