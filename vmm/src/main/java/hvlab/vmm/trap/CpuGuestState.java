package hvlab.vmm.trap;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.Register;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.memory.SegmentCheck;

/**
 * {@link GuestState} over the real machine: registers from the CPU, memory only through the
 * {@link GuestRam} door, and segments as the CPU holds them: the descriptor a selector names in
 * the real (shadow) GDT, which is what the CPU loaded.
 */
public final class CpuGuestState implements GuestState {
    private final CpuBackend cpu;
    private final GuestRam ram;
    private final ShadowGdt gdt;

    public CpuGuestState(CpuBackend cpu, GuestRam ram, ShadowGdt gdt) {
        this.cpu = cpu;
        this.ram = ram;
        this.gdt = gdt;
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
    public int read(long linear, int size) {
        return ram.read(linear, size);
    }

    @Override
    public void write(long linear, int size, int value) {
        ram.write(linear, size, value);
    }

    @Override
    public long linear(Register segment, long offset, int size, boolean write) {
        int selector = cpu.read(segment) & 0xFFFF;
        long raw = (selector & ~3) == 0 ? 0 : gdt.realDescriptor(selector);
        SegmentDescriptor descriptor = raw == 0 ? null : SegmentDescriptor.decode(raw);
        return SegmentCheck.linear(segment, descriptor, offset, size, write);
    }
}
