package hvlab.vmm.trap;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.Register;
import hvlab.vmm.boot.SegmentDescriptor;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.memory.SegmentCheck;
import hvlab.vmm.paging.ShadowMmu;

/**
 * {@link GuestState} over the real machine: registers from the CPU, memory only through the
 * {@link GuestRam} door, and segments as the CPU holds them: the descriptor a selector names in
 * the real (shadow) GDT, which is what the CPU loaded.
 */
public final class CpuGuestState implements GuestState {
    private final CpuBackend cpu;
    private final GuestRam ram;
    private final ShadowGdt gdt;
    /** Once the guest pages, linear addresses go through its page tables to reach the door; null: they are physical. */
    private ShadowMmu mmu;

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

    void setMmu(ShadowMmu mmu) {
        this.mmu = mmu;
    }

    /** The processor's own accesses (descriptor tables, the TSS, interrupt frames): supervisor accesses. */
    @Override
    public int read(long linear, int size) {
        return read(linear, size, false);
    }

    @Override
    public void write(long linear, int size, int value) {
        write(linear, size, value, false);
    }

    /**
     * Interrupt frames: with paging on, the store drops no translated code (which, on Unicorn
     * 2.0.1, would mean dropping all of it: see UnicornBackend#invalidateTranslations). Without
     * paging the door's usual bookkeeping is cheap and stays.
     */
    @Override
    public void writeStack(long linear, int size, int value) {
        if (paging() && samePage(linear, size)) {
            ram.writeData(mmu.physical(linear, true, false), size, value);
            return;
        }
        write(linear, size, value, false);
    }

    /** An operand of the guest's instruction: a user access when the guest runs its user code. */
    @Override
    public int read(Register segment, long offset, int size) {
        return read(linear(segment, offset, size, false), size, userCode());
    }

    @Override
    public void write(Register segment, long offset, int size, int value) {
        write(linear(segment, offset, size, true), size, value, userCode());
    }

    private boolean userCode() {
        return mmu != null && mmu.view() == hvlab.vmm.paging.ShadowPageTables.View.USER;
    }

    private boolean paging() {
        return mmu != null && mmu.pagingEnabled();
    }

    private int read(long linear, int size, boolean user) {
        if (!paging()) {
            return ram.read(linear, size);
        }
        if (samePage(linear, size)) {
            return ram.read(mmu.physical(linear, false, user), size);
        }
        int value = 0;
        for (int i = 0; i < size; i++) { // an access across a page boundary: each byte through its own page
            value |= ram.read(mmu.physical((linear + i) & 0xFFFFFFFFL, false, user), 1) << (8 * i);
        }
        return value;
    }

    private void write(long linear, int size, int value, boolean user) {
        if (!paging()) {
            ram.write(linear, size, value);
            return;
        }
        if (samePage(linear, size)) {
            ram.write(mmu.physical(linear, true, user), size, value);
            return;
        }
        long[] physical = new long[size]; // translate every byte first: a fault must leave memory untouched
        for (int i = 0; i < size; i++) {
            physical[i] = mmu.physical((linear + i) & 0xFFFFFFFFL, true, user);
        }
        for (int i = 0; i < size; i++) {
            ram.write(physical[i], 1, value >>> (8 * i));
        }
    }

    private static boolean samePage(long linear, int size) {
        return (linear & 0xFFF) + size <= 4096;
    }

    @Override
    public long linear(Register segment, long offset, int size, boolean write) {
        int selector = cpu.read(segment) & 0xFFFF;
        long raw = (selector & ~3) == 0 ? 0 : gdt.realDescriptor(selector);
        SegmentDescriptor descriptor = raw == 0 ? null : SegmentDescriptor.decode(raw);
        return SegmentCheck.linear(segment, descriptor, offset, size, write);
    }
}
