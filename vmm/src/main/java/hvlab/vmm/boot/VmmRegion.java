package hvlab.vmm.boot;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.TableRegister;

import static hvlab.vmm.boot.BootLayout.*;

/**
 * The memory the VMM owns inside the guest's address space: the real GDT and the trampoline that
 * drops the CPU from ring 0 to ring 3. Mapped read/execute only, so nothing the guest does can
 * change its own privilege. All descriptors have their accessed bit preset, otherwise the CPU
 * would try to set it on the first load and fault on the read-only page.
 */
public final class VmmRegion implements AutoCloseable {
    /** EFLAGS for the guest: IF set for real (bit 9), reserved bit 1, IOPL 0. */
    public static final int GUEST_EFLAGS = 0x202;
    private static final byte IRETD = (byte) 0xCF;

    private final GuestMemory memory = new GuestMemory(VMM_REGION_SIZE);
    private final ShadowGdt shadow = new ShadowGdt(this);

    public VmmRegion() {
        // Until the guest loads a GDT of its own, it has the boot GDT of the ABI: flat kernel
        // code and data (guest DPL 0) and flat user code and data (DPL 3).
        long[] boot = new long[5];
        boot[GUEST_KERNEL_CODE >> 3] = SegmentDescriptor.flat(true, 0).encode();
        boot[GUEST_KERNEL_DATA >> 3] = SegmentDescriptor.flat(false, 0).encode();
        boot[GUEST_USER_CODE >> 3] = SegmentDescriptor.flat(true, 3).encode();
        boot[GUEST_USER_DATA >> 3] = SegmentDescriptor.flat(false, 3).encode();
        shadow.load(0, boot.length * 8 - 1, address -> boot[(int) (address / 8)]);
        writeDescriptor(VMM_CODE >> 3, SegmentDescriptor.flat(true, 0));
        writeDescriptor(VMM_DATA >> 3, SegmentDescriptor.flat(false, 0));
        memory.write8(TRAMPOLINE - VMM_REGION, IRETD);
    }

    public ShadowGdt shadow() {
        return shadow;
    }

    public void writeDescriptor(int index, SegmentDescriptor descriptor) {
        writeDescriptorRaw(index, descriptor.encode());
    }

    void writeDescriptorRaw(int index, long raw) {
        memory.write32(index * 8L, (int) raw);
        memory.write32(index * 8L + 4, (int) (raw >>> 32));
    }

    public long readDescriptor(int index) {
        return Integer.toUnsignedLong(memory.read32(index * 8L)) | ((long) memory.read32(index * 8L + 4) << 32);
    }

    /**
     * Maps the region and prepares the CPU so that running from {@link BootLayout#TRAMPOLINE}
     * enters the guest at {@code entry}, CPL 3, with the stack at {@code stackTop}. The
     * trampoline is a single IRETD over a prepared frame: with an outer-level CS on the frame,
     * IRETD pops EIP, CS, EFLAGS, ESP and SS and so changes privilege (SDM Vol. 2, IRET).
     */
    public void prepareEntry(CpuBackend cpu, long entry, long stackTop) {
        cpu.map(VMM_REGION, memory, Protection.READ_EXECUTE);
        int[] frame = {(int) entry, GUEST_KERNEL_CODE | 3, GUEST_EFLAGS, (int) stackTop, GUEST_KERNEL_DATA | 3};
        for (int i = 0; i < frame.length; i++) {
            memory.write32(TRAMPOLINE_FRAME - VMM_REGION + 4L * i, frame[i]);
        }
        cpu.write(TableRegister.GDTR, TableRegister.Value.of(GDT_BASE, GDT_LIMIT));
        cpu.write(Register.SS, VMM_DATA);
        cpu.write(Register.CS, VMM_CODE);
        // Data segments must already be the guest's: returning to ring 3 would null any
        // segment register whose descriptor has DPL 0. They keep RPL 0, as the guest kernel
        // would load them (a data segment's RPL is what was loaded; only CS and SS must match CPL).
        for (Register segment : new Register[] {Register.DS, Register.ES, Register.FS, Register.GS}) {
            cpu.write(segment, GUEST_KERNEL_DATA);
        }
        cpu.write(Register.ESP, (int) TRAMPOLINE_FRAME);
    }

    @Override
    public void close() {
        memory.close();
    }
}
