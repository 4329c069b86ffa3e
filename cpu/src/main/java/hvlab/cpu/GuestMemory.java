package hvlab.cpu;

import hvlab.cpu.linux.LinuxCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A block of guest RAM: off-heap memory the CPU backend maps straight into the guest's
 * physical address space. Whatever the guest writes is here at once, so snapshots, migration
 * and introspection read guest memory without asking the emulator and without a copy.
 *
 * <p>The block is an anonymous mapping of its own ({@code mmap}), not memory from the C heap:
 * it starts as zero without a pass over it, a page costs host memory only once it is touched,
 * and the kernel can be asked which of its pages were written ({@code WriteProtectWatch}).
 *
 * <p>Offsets are relative to the start of the block; x86 is little-endian.
 */
public final class GuestMemory implements AutoCloseable {
    /** The CPU maps memory in whole pages. */
    public static final int PAGE_SIZE = 4096;

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final MemorySegment bytes;

    public GuestMemory(long size) {
        this(size, false);
    }

    /** @param populate have the kernel give every page now ({@link LinuxCalls#mapAnonymous(long, Arena, boolean)}) */
    public GuestMemory(long size, boolean populate) {
        if (size <= 0 || size % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("guest memory size must be a positive multiple of 4 KiB, not " + size);
        }
        this.arena = Arena.ofShared();
        this.bytes = LinuxCalls.mapAnonymous(size, arena, populate);
    }

    private GuestMemory(Arena arena, MemorySegment bytes) {
        this.arena = arena;
        this.bytes = bytes;
    }

    /**
     * Memory that only has to be there, not to hold anything: address space reserved without
     * being committed ({@link LinuxCalls#reserveAnonymous}), so a few gigabytes cost nothing.
     */
    public static GuestMemory reserveOnly(long size) {
        if (size <= 0 || size % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("a reservation must be a positive multiple of 4 KiB, not " + size);
        }
        Arena arena = Arena.ofShared();
        return new GuestMemory(arena, LinuxCalls.reserveAnonymous(size, arena));
    }

    public long size() {
        return bytes.byteSize();
    }

    public int read8(long offset) {
        return Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, offset));
    }

    public int read16(long offset) {
        return Short.toUnsignedInt(bytes.get(SHORT, offset));
    }

    public int read32(long offset) {
        return bytes.get(INT, offset);
    }

    public void write8(long offset, int value) {
        bytes.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    public void write16(long offset, int value) {
        bytes.set(SHORT, offset, (short) value);
    }

    public void write32(long offset, int value) {
        bytes.set(INT, offset, value);
    }

    public byte[] read(long offset, int length) {
        byte[] out = new byte[length];
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, offset, out, 0, length);
        return out;
    }

    /** Do the bytes at {@code offset} equal {@code expected}? Compared in place: nothing is copied or allocated. */
    public boolean holds(long offset, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (bytes.get(ValueLayout.JAVA_BYTE, offset + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    public void write(long offset, byte[] data) {
        MemorySegment.copy(data, 0, bytes, ValueLayout.JAVA_BYTE, offset, data.length);
    }

    public boolean contains(long offset, long length) {
        return offset >= 0 && length >= 0 && offset + length <= size();
    }

    /** The native memory itself, for CPU backends that map it into an emulator. Not for the VMM. */
    /** Copies {@code length} bytes at {@code offset} of {@code from} to the same offset here (both the same size or larger). */
    public void copyFrom(GuestMemory from, long offset, long length) {
        MemorySegment.copy(from.bytes, offset, bytes, offset, length);
    }

    /** Copies all of {@code from}, which must be as large as this. */
    public void copyFrom(GuestMemory from) {
        copyFrom(from, 0, size());
    }

    /** Do the {@code length} bytes at {@code offset} hold the same in both? */
    public boolean sameAs(GuestMemory other, long offset, long length) {
        return bytes.asSlice(offset, length).mismatch(other.bytes.asSlice(offset, length)) < 0;
    }

    public MemorySegment segment() {
        return bytes;
    }

    @Override
    public void close() {
        arena.close();
    }
}
