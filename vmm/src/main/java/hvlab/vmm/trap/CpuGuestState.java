package hvlab.vmm.trap;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.Register;

/** {@link GuestState} over the real CPU: registers from the backend, memory through its view of guest RAM. */
public final class CpuGuestState implements GuestState {
    private final CpuBackend cpu;

    public CpuGuestState(CpuBackend cpu) {
        this.cpu = cpu;
    }

    @Override
    public int register(Register register) {
        int value = cpu.read(register);
        return switch (register.width()) {
            case 1 -> value & 0xFF;
            case 2 -> value & 0xFFFF;
            default -> value;
        };
    }

    @Override
    public void setRegister(Register register, int value) {
        cpu.write(register, value);
    }

    @Override
    public int read(long address, int size) {
        byte[] bytes = cpu.readMemory(address, size);
        int value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = (value << 8) | (bytes[i] & 0xFF);
        }
        return value;
    }

    @Override
    public void write(long address, int size, int value) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (value >>> (8 * i));
        }
        cpu.writeMemory(address, bytes);
    }
}
