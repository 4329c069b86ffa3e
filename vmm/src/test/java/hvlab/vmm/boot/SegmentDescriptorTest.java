package hvlab.vmm.boot;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SegmentDescriptorTest {
    @Test
    void flatKernelCodeMatchesTheClassicEncoding() {
        // The descriptor every x86 tutorial starts with: base 0, limit 4 GiB, ring 0 code,
        // 0x00CF9A000000FFFF, with the accessed bit set (9B instead of 9A).
        assertEquals(0x00CF9B000000FFFFL, SegmentDescriptor.flat(true, 0).encode());
        // Ring compression: the same segment for a guest kernel that really runs at ring 3.
        assertEquals(0x00CFFB000000FFFFL, SegmentDescriptor.flat(true, 3).encode());
        assertEquals(0x00CFF3000000FFFFL, SegmentDescriptor.flat(false, 3).encode());
    }

    @Test
    void byteLimitScalesWithGranularity() {
        assertEquals(0xFFFFFFFFL, SegmentDescriptor.flat(false, 0).byteLimit());
        assertEquals(0x67, new SegmentDescriptor(0, 0x67, 0x9, true, 0, true, false, false).byteLimit());
    }

    @Test
    void onlyWritableDataCanBeAStack() {
        assertTrue(SegmentDescriptor.flat(false, 0).isWritableData());
        assertFalse(SegmentDescriptor.flat(true, 0).isWritableData(), "code");
        assertFalse(new SegmentDescriptor(0, 0xFFFFF, 0x1, false, 0, true, true, true).isWritableData(), "read-only data");
        // A busy TSS (type 0xB) has the bit that means "writable" in a data descriptor; it is
        // still a system descriptor, never a stack (the tss-as-stack attack).
        assertFalse(new SegmentDescriptor(0, 0x67, 0xB, true, 0, true, false, false).isWritableData(), "busy TSS");
    }

    @Property
    void encodeThenDecodeGivesTheSameDescriptor(@ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long base,
                                                @ForAll @LongRange(min = 0, max = 0xFFFFF) long limit,
                                                @ForAll @IntRange(min = 0, max = 15) int type,
                                                @ForAll boolean system, @ForAll @IntRange(min = 0, max = 3) int dpl,
                                                @ForAll boolean present, @ForAll boolean big, @ForAll boolean pages) {
        var d = new SegmentDescriptor(base, limit, type, system, dpl, present, big, pages);
        assertEquals(d, SegmentDescriptor.decode(d.encode()));
    }
}
