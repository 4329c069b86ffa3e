package hvlab.vmm.boot;

/**
 * Encodes and decodes 8-byte x86 segment descriptors (SDM Vol. 3, 3.4.5, Figure 3-8).
 *
 * <pre>
 *  63      56 55 54 53 52 51    48 47 46 45 44 43   40 39      32
 *  base 31:24  G  D  L AVL limit19:16 P  DPL  S  type   base 23:16
 *  31                  16 15                                    0
 *  base 15:0              limit 15:0
 * </pre>
 */
public record SegmentDescriptor(long base, long limit, int type, boolean system, int dpl, boolean present,
                                boolean defaultBig, boolean granularity4K) {

    /** Type nibble of a code segment: execute/read, accessed (bit 0 preset so the CPU never writes the table). */
    public static final int CODE_EXECUTE_READ_ACCESSED = 0xB;
    /** Type nibble of a data segment: read/write, accessed. */
    public static final int DATA_READ_WRITE_ACCESSED = 0x3;

    /** A flat 4 GiB code or data segment (base 0, limit 0xFFFFF pages) at privilege level {@code dpl}. */
    public static SegmentDescriptor flat(boolean code, int dpl) {
        return new SegmentDescriptor(0, 0xFFFFF, code ? CODE_EXECUTE_READ_ACCESSED : DATA_READ_WRITE_ACCESSED,
                false, dpl, true, true, true);
    }

    public long encode() {
        long low = (limit & 0xFFFF) | ((base & 0xFFFF) << 16);
        long high = ((base >> 16) & 0xFF)
                | ((long) (type & 0xF) << 8)
                | ((system ? 0L : 1L) << 12)
                | ((long) (dpl & 3) << 13)
                | ((present ? 1L : 0L) << 15)
                | (((limit >> 16) & 0xF) << 16)
                | ((defaultBig ? 1L : 0L) << 22)
                | ((granularity4K ? 1L : 0L) << 23)
                | (((base >> 24) & 0xFF) << 24);
        return (high << 32) | low;
    }

    public static SegmentDescriptor decode(long raw) {
        long low = raw & 0xFFFFFFFFL;
        long high = raw >>> 32;
        long base = (low >>> 16) | ((high & 0xFF) << 16) | (((high >>> 24) & 0xFF) << 24);
        long limit = (low & 0xFFFF) | (((high >>> 16) & 0xF) << 16);
        return new SegmentDescriptor(base, limit, (int) ((high >>> 8) & 0xF), ((high >>> 12) & 1) == 0,
                (int) ((high >>> 13) & 3), ((high >>> 15) & 1) == 1, ((high >>> 22) & 1) == 1, ((high >>> 23) & 1) == 1);
    }

    /** The limit in bytes, after granularity scaling. */
    public long byteLimit() {
        return granularity4K ? (limit << 12) | 0xFFF : limit;
    }

    public boolean isCode() {
        return !system && (type & 0x8) != 0;
    }

    /**
     * A writable data segment, the only kind SS may hold (SDM Vol. 3, 5.7). A system descriptor
     * (a TSS, an LDT, a gate) is not one, even where its type bits look the same.
     */
    public boolean isWritableData() {
        return !system && (type & 0x8) == 0 && (type & 0x2) != 0;
    }
}
