package hvlab.vmm.memory;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.GuestMemory;
import hvlab.cpu.MemoryAccess;

/**
 * The one door to guest memory: everything the VMM reads or writes for a guest goes through
 * here (interrupt frames, IRET pops, descriptor tables and the TSS, string I/O, emulated stores,
 * hypercall buffers, and later snapshots and introspection).
 *
 * <p>Why one door (paper, IV.C.2 and IV.C.3): the VMM runs with more authority than the guest.
 * The CPU lets the VMM write its own region (the real GDT the guest runs on), which the guest
 * itself may only read; a VMM that wrote wherever a guest pointed it would let the guest write
 * there by proxy, give itself a ring-0 code segment and escape. This door covers guest RAM and
 * nothing else, by construction: it holds the guest's {@link GuestMemory} and no other memory,
 * and the CPU interface has no memory-writing call at all. An address outside RAM is a
 * {@link GuestFault.OutsideRam}, never a write somewhere else.
 *
 * <p>Addresses are linear and, with paging off, also physical; they wrap at 4 GiB as the
 * processor's do. Stores through the door also tell the CPU to forget translations of the code
 * they overwrite (the CPU notices the guest's own stores, not the VMM's), batched per trap.
 */
public final class GuestRam {
    private static final long ADDRESS_SPACE = 1L << 32;

    private final GuestMemory memory;
    private final CpuBackend cpu;
    private final long size;
    private long dirtyFrom = Long.MAX_VALUE;
    private long dirtyTo = Long.MIN_VALUE;

    /** @param cpu told which code the VMM overwrote; may be null where no CPU runs this RAM (tests, tools) */
    public GuestRam(GuestMemory memory, CpuBackend cpu) {
        this.memory = memory;
        this.cpu = cpu;
        this.size = memory.size();
    }

    public long size() {
        return size;
    }

    /** Is all of [{@code address}, {@code address + length}) guest RAM? */
    public boolean contains(long address, long length) {
        return address >= 0 && length >= 0 && address <= size && length <= size - address;
    }

    /** Reads 1, 2 or 4 bytes, little-endian, at a linear address. */
    public int read(long address, int size) {
        long at = address & 0xFFFFFFFFL;
        if (at + size <= this.size) {
            return switch (size) {
                case 1 -> memory.read8(at);
                case 2 -> memory.read16(at);
                default -> memory.read32(at);
            };
        }
        int value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = (value << 8) | readByte(at + i, MemoryAccess.READ);
        }
        return value;
    }

    public void write(long address, int size, int value) {
        long at = address & 0xFFFFFFFFL;
        if (at + size <= this.size) {
            store(at, size, value);
            markWritten(at, size);
            return;
        }
        // Crossing the end of RAM or the 4 GiB wrap: check every byte before changing any, so
        // a refused store leaves memory as it was (the processor checks before it writes).
        for (int i = 0; i < size; i++) {
            checkByte(at + i, MemoryAccess.WRITE);
        }
        for (int i = 0; i < size; i++) {
            long byteAt = (at + i) % ADDRESS_SPACE;
            memory.write8(byteAt, value >>> (8 * i));
            markWritten(byteAt, 1);
        }
    }

    /**
     * A store of data the guest will not run (an interrupt frame on its stack): checked like
     * {@link #write}, but the CPU is not told to drop translated code for it.
     */
    public void writeData(long address, int size, int value) {
        long at = address & 0xFFFFFFFFL;
        if (at + size > this.size) {
            write(address, size, value); // the slow path's checks and faults
            return;
        }
        store(at, size, value);
    }

    /**
     * Bytes a device places into a buffer its driver gave it (a received frame): checked like
     * {@link #writeBytes}, but, as for {@link #writeData}, translated code is not dropped. With
     * paging on the CPU can only drop all of it (DESIGN.md section 10), and doing that for every
     * frame made a paging guest's network a hundred times slower. A driver that points a receive
     * buffer at its own code may run its old translation of it: its own business, and no address
     * it names escapes the checks.
     */
    public void writeDataBytes(long address, byte[] bytes) {
        long at = address & 0xFFFFFFFFL;
        if (!contains(at, bytes.length)) {
            writeBytes(address, bytes); // the slow path's checks and faults
            return;
        }
        memory.write(at, bytes);
    }

    private void store(long at, int size, int value) {
        switch (size) {
            case 1 -> memory.write8(at, value);
            case 2 -> memory.write16(at, value);
            default -> memory.write32(at, value);
        }
    }

    /**
     * A 32-bit store the processor itself makes into the guest's page tables (an accessed or
     * dirty flag): data the CPU walks, never code it runs, so no translated code is dropped for
     * it. The walk in hvlab.vmm.paging sets a flag on almost every hidden page fault.
     */
    public void writeTableEntry(long address, int value) {
        long at = address & 0xFFFFFFFFL;
        if (at + 4 > size) {
            throw new GuestFault.OutsideRam(at, MemoryAccess.WRITE);
        }
        memory.write32(at, value);
    }

    public byte[] readBytes(long address, int length) {
        long at = address & 0xFFFFFFFFL;
        if (!contains(at, length)) {
            for (long i = 0; i < length; i++) {
                checkByte(at + i, MemoryAccess.READ);
            }
            byte[] out = new byte[length];
            for (int i = 0; i < length; i++) {
                out[i] = (byte) memory.read8((at + i) % ADDRESS_SPACE);
            }
            return out;
        }
        return memory.read(at, length);
    }

    /**
     * Do the bytes at {@code address} equal {@code expected}? As {@code Arrays.equals(readBytes(...),
     * expected)}, and with the same checks, but with no copy where they lie inside RAM: the trap
     * path asks this on every trap, of the instruction it decoded there before.
     */
    public boolean holds(long address, byte[] expected) {
        long at = address & 0xFFFFFFFFL;
        if (contains(at, expected.length)) {
            return memory.holds(at, expected);
        }
        return java.util.Arrays.equals(readBytes(address, expected.length), expected);
    }

    public void writeBytes(long address, byte[] bytes) {
        long at = address & 0xFFFFFFFFL;
        if (!contains(at, bytes.length)) {
            for (long i = 0; i < bytes.length; i++) {
                checkByte(at + i, MemoryAccess.WRITE);
            }
            for (int i = 0; i < bytes.length; i++) {
                memory.write8((at + i) % ADDRESS_SPACE, bytes[i]);
            }
            invalidate(0, size);
            return;
        }
        memory.write(at, bytes);
        markWritten(at, bytes.length);
    }

    /** Tells the CPU about the code the VMM overwrote since the last call; the dispatcher calls it after each trap. */
    public void flushWrites() {
        if (dirtyFrom <= dirtyTo) {
            invalidate(dirtyFrom, dirtyTo - dirtyFrom);
            dirtyFrom = Long.MAX_VALUE;
            dirtyTo = Long.MIN_VALUE;
        }
    }

    /**
     * As {@link #flushWrites}, but {@code drop} is told the range instead of the CPU: for the
     * VMM writing with the CPU stopped, which can drop translations more precisely than the CPU
     * can on its own in a paging guest (see {@code ShadowMmu.dropCodeNow}).
     */
    public void flushWrites(java.util.function.BiConsumer<Long, Long> drop) {
        if (dirtyFrom <= dirtyTo) {
            drop.accept(dirtyFrom, dirtyTo - dirtyFrom);
            dirtyFrom = Long.MAX_VALUE;
            dirtyTo = Long.MIN_VALUE;
        }
    }

    private void markWritten(long at, long length) {
        dirtyFrom = Math.min(dirtyFrom, at);
        dirtyTo = Math.max(dirtyTo, at + length);
    }

    private void invalidate(long at, long length) {
        if (cpu != null) {
            cpu.invalidateTranslations(at, length);
        }
    }

    private int readByte(long address, MemoryAccess access) {
        long at = checkByte(address, access);
        return memory.read8(at);
    }

    private long checkByte(long address, MemoryAccess access) {
        long at = address % ADDRESS_SPACE;
        if (at >= size) {
            throw new GuestFault.OutsideRam(at, access);
        }
        return at;
    }
}
