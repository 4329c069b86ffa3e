package hvlab.vmm.paravirt;

import hvlab.cpu.CpuException;
import hvlab.cpu.Register;
import hvlab.vmm.trap.GuestState;

import java.util.EnumMap;
import java.util.Map;

/**
 * A {@link GuestState} of plain arrays (the idea of trap.FakeGuestState): 32-bit registers and
 * {@code memory.length} bytes of RAM. Like the real emulator, it refuses memory it does not have
 * with a {@link CpuException}, so a missed bounds check shows up as an exception, not a wrong answer.
 */
final class FakeGuest implements GuestState {
    final Map<Register, Integer> registers = new EnumMap<>(Register.class);
    final byte[] memory;

    FakeGuest(int memoryBytes) {
        memory = new byte[memoryBytes];
    }

    /** Sets EAX to {@code number} and EBX, ECX, EDX to {@code args}, in order. */
    FakeGuest call(int number, int... args) {
        registers.put(Register.EAX, number);
        Register[] argumentRegisters = {Register.EBX, Register.ECX, Register.EDX, Register.ESI, Register.EDI};
        for (int i = 0; i < args.length; i++) {
            registers.put(argumentRegisters[i], args[i]);
        }
        return this;
    }

    int eax() {
        return register(Register.EAX);
    }

    void put(int address, byte[] bytes) {
        System.arraycopy(bytes, 0, memory, address, bytes.length);
    }

    byte[] get(int address, int length) {
        byte[] out = new byte[length];
        System.arraycopy(memory, address, out, 0, length);
        return out;
    }

    @Override
    public int register(Register r) {
        if (r.width() != 4) {
            throw new UnsupportedOperationException("hypercalls use the 32-bit registers only");
        }
        return registers.getOrDefault(r, 0);
    }

    @Override
    public void setRegister(Register r, int value) {
        if (r.width() != 4) {
            throw new UnsupportedOperationException("hypercalls use the 32-bit registers only");
        }
        registers.put(r, value);
    }

    @Override
    public int read(long address, int size) {
        check(address, size);
        int value = 0;
        for (int i = size - 1; i >= 0; i--) value = (value << 8) | (memory[(int) address + i] & 0xFF);
        return value;
    }

    @Override
    public void write(long address, int size, int value) {
        check(address, size);
        for (int i = 0; i < size; i++) memory[(int) address + i] = (byte) (value >>> (8 * i));
    }

    private void check(long address, int size) {
        if (address < 0 || address + size > memory.length) {
            throw new CpuException(String.format("unmapped: %d bytes at %#x", size, address));
        }
    }
}
