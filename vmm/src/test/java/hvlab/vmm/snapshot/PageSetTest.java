package hvlab.vmm.snapshot;

import hvlab.cpu.GuestMemory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Page sets taken from RAM, written, read back, merged and laid into RAM again. */
class PageSetTest {
    static final int PAGE = PageSet.PAGE;

    @Test
    void aFullSetKeepsTheNonZeroPagesAndClearsTheRestWhenApplied() throws Exception {
        try (GuestMemory ram = new GuestMemory(8 * PAGE); GuestMemory other = new GuestMemory(8 * PAGE)) {
            ram.write8(1 * PAGE + 5, 1);
            ram.write8(6 * PAGE + 4095, 2);
            PageSet full = PageSet.fullOf(ram.segment());
            assertEquals(List.of(1, 6), full.pageNumbers());

            ByteArrayOutputStream file = new ByteArrayOutputStream();
            full.write(file);
            PageSet back = PageSet.read(new ByteArrayInputStream(file.toByteArray()));
            other.segment().fill((byte) 7); // a page the set does not hold must come back zero
            back.applyTo(other.segment());
            assertEquals(-1, ram.segment().mismatch(other.segment()));
        }
    }

    @Test
    void anIncrementalSetOnTopOfItsParentGivesTheLaterRam() {
        try (GuestMemory ram = new GuestMemory(8 * PAGE); GuestMemory out = new GuestMemory(8 * PAGE)) {
            ram.write8(2 * PAGE, 1);
            ram.write8(3 * PAGE, 1);
            PageSet parent = PageSet.fullOf(ram.segment());
            ram.write8(3 * PAGE, 9);
            ram.write8(5 * PAGE, 9);
            BitSet dirty = new BitSet();
            dirty.set(3);
            dirty.set(5);
            PageSet child = PageSet.of(ram.segment(), dirty);
            assertFalse(child.full());

            PageSet merged = parent.under(child);
            assertTrue(merged.full());
            assertEquals(List.of(2, 3, 5), merged.pageNumbers());
            merged.applyTo(out.segment());
            assertEquals(-1, ram.segment().mismatch(out.segment()));
        }
    }

    @Test
    void aPageOutsideRamIsRefused() {
        try (GuestMemory ram = new GuestMemory(4 * PAGE)) {
            BitSet dirty = new BitSet();
            dirty.set(4);
            assertThrows(IllegalArgumentException.class, () -> PageSet.of(ram.segment(), dirty));
        }
    }
}
