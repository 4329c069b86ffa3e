package hvlab.vmm.memory;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.MemoryAccess;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The one door to guest memory, given the addresses a hostile guest would choose: the last
 * bytes of RAM, the 4 GiB wrap, addresses far beyond RAM, negative longs. Whatever it is
 * asked, the door either does exactly the access inside RAM or refuses it with
 * {@link GuestFault.OutsideRam} and leaves every byte of RAM as it was (the processor checks
 * before it writes; a half-done store would be a write the guest was refused).
 */
class GuestRamTest {
    private static final int RAM = 64 << 10;

    @Test
    void aStoreThatCrossesTheEndOfRamChangesNothing() {
        try (GuestMemory memory = new GuestMemory(RAM)) {
            GuestRam ram = new GuestRam(memory, null);
            GuestFault.OutsideRam refused = assertThrows(GuestFault.OutsideRam.class, () -> ram.write(RAM - 2, 4, 0xAABBCCDD));
            assertEquals(RAM, refused.address(), "the first byte outside is named");
            assertEquals(MemoryAccess.WRITE, refused.access());
            assertEquals(0, ram.read(RAM - 2, 2), "the two bytes inside were not written either");
        }
    }

    @Test
    void aStoreThatWrapsAt4GiBChecksTheBytesBeforeTheWrapAndWritesNone() {
        try (GuestMemory memory = new GuestMemory(RAM)) {
            GuestRam ram = new GuestRam(memory, null);
            assertThrows(GuestFault.OutsideRam.class, () -> ram.write(0xFFFF_FFFEL, 4, 0x11223344));
            assertThrows(GuestFault.OutsideRam.class, () -> ram.writeBytes(0xFFFF_FFFFL, new byte[] {1, 2, 3}));
            assertThrows(GuestFault.OutsideRam.class, () -> ram.writeData(0xFFFF_FFFDL, 4, -1));
            assertEquals(0, ram.read(0, 4), "bytes 0 and 1, where the wrap lands, are untouched");
        }
    }

    @Test
    void theLinearAddressIsTakenModulo4GiBAsTheProcessorDoes() {
        try (GuestMemory memory = new GuestMemory(RAM)) {
            GuestRam ram = new GuestRam(memory, null);
            ram.write(0x1_0000_0010L, 4, 0x12345678);  // bit 32 is not an address bit
            assertEquals(0x12345678, ram.read(0x10, 4));
            assertThrows(GuestFault.OutsideRam.class, () -> ram.read(-1L, 1), "-1 is 0xFFFFFFFF, not a negative index");
        }
    }

    @Test
    void aPageTableEntryPastTheEndIsRefused() {
        try (GuestMemory memory = new GuestMemory(RAM)) {
            GuestRam ram = new GuestRam(memory, null);
            assertThrows(GuestFault.OutsideRam.class, () -> ram.writeTableEntry(RAM - 2, 0x63));
            assertFalse(ram.contains(RAM - 2, 4));
            assertFalse(ram.contains(0, Long.MAX_VALUE), "a length that would overflow address + length");
            assertFalse(ram.contains(-4, 4));
            assertTrue(ram.contains(RAM - 4, 4));
        }
    }

    /** Any access, anywhere: done inside RAM, or refused with RAM unchanged; nothing else is ever thrown. */
    @Property(tries = 2000, seed = "20261130")
    void everyAccessIsExactlyInsideRamOrRefusedWithRamUnchanged(@ForAll("addresses") long address,
                                                                @ForAll("sizes") int size,
                                                                @ForAll @IntRange(min = 0, max = 6) int operation) throws Exception {
        try (GuestMemory memory = new GuestMemory(RAM)) {
            GuestRam ram = new GuestRam(memory, null);
            ram.writeBytes(0, pattern());
            byte[] before = digest(ram);
            long linear = address & 0xFFFF_FFFFL;
            boolean inside = linear + size <= RAM;
            try {
                switch (operation) {
                    case 0 -> ram.read(address, size);
                    case 1 -> ram.write(address, size, 0x5A5A5A5A);
                    case 2 -> ram.writeData(address, size, 0x5A5A5A5A);
                    case 3 -> ram.readBytes(address, size);
                    case 4 -> ram.writeBytes(address, new byte[size]);
                    case 5 -> ram.writeDataBytes(address, new byte[size]);
                    default -> ram.holds(address, new byte[size]);
                }
                assertTrue(inside, String.format("an access of %d bytes at %#x was allowed", size, linear));
            } catch (GuestFault.OutsideRam refused) {
                assertFalse(inside, String.format("an access of %d bytes at %#x inside RAM was refused", size, linear));
                assertArrayEquals(before, digest(ram), "a refused access changed RAM");
            }
        }
    }

    @Provide
    Arbitrary<Long> addresses() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(RAM - 8, RAM + 8),                 // the end of RAM
                Arbitraries.longs().between(0xFFFF_FFF0L, 0x1_0000_0008L),     // the 4 GiB wrap
                Arbitraries.longs().between(0, RAM),                           // inside
                Arbitraries.longs().between(0xFFF0_0000L, 0xFFFF_FFFFL),       // the VMM's region
                Arbitraries.longs());                                          // anything, negative too
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.of(1, 2, 4);
    }

    private static byte[] pattern() {
        byte[] bytes = new byte[RAM];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    private static byte[] digest(GuestRam ram) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(ram.readBytes(0, RAM));
    }
}
