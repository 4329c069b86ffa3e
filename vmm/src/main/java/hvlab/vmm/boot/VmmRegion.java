package hvlab.vmm.boot;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.TableRegister;

import static hvlab.vmm.boot.BootLayout.*;

/**
 * The memory the VMM owns inside the guest's address space: the real GDT, the real TSS and the
 * trampoline that drops the CPU from ring 0 to ring 3. The guest may read it (the CPU must, to
 * load descriptors) but never write it, and only the trampoline's page is executable. The
 * memory is private to this class: no path of the VMM that acts for the guest can reach it.
 * All descriptors have their accessed bit preset, otherwise the CPU would try to set it on the
 * first load and fault on the read-only page.
 */
public final class VmmRegion implements AutoCloseable {
    /** EFLAGS for the guest: IF set for real (bit 9), reserved bit 1, IOPL 0. */
    public static final int GUEST_EFLAGS = 0x202;
    private static final byte IRETD = (byte) 0xCF;
    private static final long GDT_BYTES = TRAMPOLINE - VMM_REGION;
    private static final long TRAMPOLINE_BYTES = TSS - TRAMPOLINE;
    /** Type 9: an available 32-bit TSS (SDM Vol. 3, 7.2.2), the type the CPU keeps in TR's cache. */
    private static final int TSS_AVAILABLE = 0x9;
    /** The descriptor-cache flags of TR as Unicorn holds them (QEMU's e2 word): type 9, present. */
    private static final int TR_CACHE_FLAGS = (TSS_AVAILABLE << 8) | (1 << 15);
    private static final int TSS_IO_MAP_BASE = 0x66;

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
        writeDescriptor(VMM_TSS >> 3, new SegmentDescriptor(TSS, TSS_LIMIT, TSS_AVAILABLE, true, 0, true, false, false));
        // The TSS itself is all zeros (SS0 null, ESP0 0) but for the I/O map base, which lies
        // beyond the limit: no I/O permission bitmap, so no port is granted through it.
        memory.write16(TSS - VMM_REGION + TSS_IO_MAP_BASE, TSS_LIMIT + 1);
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
     * Maps the region: the GDT and the TSS read-only, the trampoline read/execute. Then points
     * the CPU's GDTR and TR at the VMM's tables.
     */
    public void map(CpuBackend cpu) {
        cpu.map(VMM_REGION, memory, 0, GDT_BYTES, Protection.READ_ONLY);
        cpu.map(TRAMPOLINE, memory, GDT_BYTES, TRAMPOLINE_BYTES, Protection.READ_EXECUTE);
        cpu.map(TSS, memory, GDT_BYTES + TRAMPOLINE_BYTES, VMM_REGION_SIZE - GDT_BYTES - TRAMPOLINE_BYTES, Protection.READ_ONLY);
        cpu.write(TableRegister.GDTR, TableRegister.Value.of(GDT_BASE, GDT_LIMIT));
        cpu.write(TableRegister.TR, new TableRegister.Value(VMM_TSS, TSS, TSS_LIMIT, TR_CACHE_FLAGS));
    }

    /**
     * Prepares the CPU so that running from {@link BootLayout#TRAMPOLINE} enters the guest at
     * {@code cs:eip} with {@code eflags}, on the stack {@code ss:esp}, at real CPL 3; the
     * selectors are the real ones (RPL 3). The trampoline is a single IRETD over a prepared
     * frame: with an outer-level CS on the frame, IRETD pops EIP, CS, EFLAGS, ESP and SS and so
     * changes privilege (SDM Vol. 2, IRET). Boot and restoring a saved VM both enter this way.
     * The data segment registers must already hold the guest's selectors: returning to ring 3
     * would null any of them whose descriptor has DPL 0.
     */
    public void prepareEntry(CpuBackend cpu, int cs, long eip, int eflags, int ss, long esp) {
        int[] frame = {(int) eip, cs | 3, eflags, (int) esp, ss | 3};
        for (int i = 0; i < frame.length; i++) {
            memory.write32(TRAMPOLINE_FRAME - VMM_REGION + 4L * i, frame[i]);
        }
        cpu.write(Register.SS, VMM_DATA);
        cpu.write(Register.CS, VMM_CODE);
        cpu.write(Register.ESP, (int) TRAMPOLINE_FRAME);
    }

    /** The frame {@link #prepareEntry} left, as {cs, eip, eflags, ss, esp}: where the guest will start. */
    public long[] pendingEntry() {
        long base = TRAMPOLINE_FRAME - VMM_REGION;
        return new long[] {memory.read32(base + 4) & 0xFFFF, Integer.toUnsignedLong(memory.read32(base)),
                memory.read32(base + 8), memory.read32(base + 16) & 0xFFFF, Integer.toUnsignedLong(memory.read32(base + 12))};
    }

    /**
     * Checks every byte of the region against what the VMM put there: the shadow of the guest's
     * descriptors at the current view, the VMM's own entries, the TSS, the trampoline. Returns
     * the first difference, or null when the region is exactly as the VMM left it. Tests and the
     * fuzzer call this after every guest to prove that no guest action wrote here.
     */
    public String integrityProblem() {
        long[] guest = shadow.save().guestDescriptors();
        for (int i = 0; i < ShadowGdt.GUEST_ENTRIES; i++) {
            long expected = i > 0 && i < guest.length ? ShadowGdt.shadowOf(guest[i], shadow.view()) : 0;
            if (readDescriptor(i) != expected) {
                return String.format("GDT entry %d is %016x, the VMM wrote %016x", i, readDescriptor(i), expected);
            }
        }
        long[] own = {
            new SegmentDescriptor(TSS, TSS_LIMIT, TSS_AVAILABLE, true, 0, true, false, false).encode(),
            SegmentDescriptor.flat(true, 0).encode(), SegmentDescriptor.flat(false, 0).encode()};
        for (int i = 0; i < own.length; i++) {
            int index = (VMM_TSS >> 3) + i;
            if (readDescriptor(index) != own[i]) {
                return String.format("the VMM's GDT entry %d is %016x, not %016x", index, readDescriptor(index), own[i]);
            }
        }
        long frame = TRAMPOLINE_FRAME - VMM_REGION;
        for (long at = GDT_BYTES; at < VMM_REGION_SIZE; at++) {
            int expected;
            if (at == TRAMPOLINE - VMM_REGION) {
                expected = IRETD & 0xFF;
            } else if (at >= frame && at < frame + 20) {
                continue; // the entry frame: the VMM's to rewrite
            } else if (at == TSS - VMM_REGION + TSS_IO_MAP_BASE) {
                expected = (TSS_LIMIT + 1) & 0xFF;
            } else {
                expected = 0;
            }
            if (memory.read8(at) != expected) {
                return String.format("byte %#x of the VMM region is %#04x, not %#04x", VMM_REGION + at, memory.read8(at), expected);
            }
        }
        return null;
    }

    @Override
    public void close() {
        memory.close();
    }
}
