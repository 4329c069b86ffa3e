package hvlab.vmm.paging;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.memory.GuestFault;
import hvlab.vmm.memory.GuestRam;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static hvlab.vmm.paging.GuestPageTables.*;
import static org.junit.jupiter.api.Assertions.*;

/** The guest's page tables walked as Intel SDM Vol. 3A, 4.3-4.8 says, on tables built by hand in guest RAM. */
class GuestPageTablesTest {
    private static final long CR3 = 0x10000;
    private static final long TABLE = 0x11000;
    private final GuestMemory memory = new GuestMemory(8L << 20);
    private final GuestRam ram = new GuestRam(memory, null);
    private final GuestPageTables tables = new GuestPageTables(ram);

    @AfterEach
    void close() {
        memory.close();
    }

    /** Maps the 4 KiB page at {@code linear} to {@code physical} with {@code flags}, through a table that allows everything. */
    private void map(long linear, long physical, int flags) {
        ram.write(CR3 + (linear >>> 22) * 4, 4, (int) TABLE | P | RW | US);
        ram.write(TABLE + ((linear >>> 12) & 0x3FF) * 4, 4, (int) physical | flags);
    }

    private PageWalk.Translation translated(long linear, boolean write, boolean user) {
        return assertInstanceOf(PageWalk.Translation.class, tables.translate(CR3, linear, write, user, true, true));
    }

    private PageWalk.Fault fault(long linear, boolean write, boolean user, boolean wp) {
        return assertInstanceOf(PageWalk.Fault.class, tables.translate(CR3, linear, write, user, wp, true));
    }

    @Test
    void aFourKilobytePageTranslatesItsOffsetAndSetsAccessedThenDirty() {
        map(0x00401000, 0x200000, P | RW | US);
        PageWalk.Translation read = translated(0x00401234, false, true);
        assertEquals(0x200234, read.physical());
        assertFalse(read.dirty());
        int pte = ram.read(TABLE + 1 * 4, 4);
        assertEquals(A, pte & (A | D), "a read sets accessed, not dirty");
        assertEquals(A, ram.read(CR3 + 4, 4) & A, "the directory entry was used: accessed");
        assertTrue(translated(0x00401234, true, true).dirty());
        assertEquals(A | D, ram.read(TABLE + 4, 4) & (A | D), "a write sets dirty");
    }

    @Test
    void missingEntriesGiveANotPresentFaultWithTheAccessInItsErrorCode() {
        PageWalk.Fault noTable = fault(0x00800000, true, true, true);
        assertEquals(PageWalk.Fault.WRITE | PageWalk.Fault.USER, noTable.errorCode());
        assertEquals(0x00800000, noTable.linear());
        map(0x00401000, 0x200000, 0);
        assertEquals(0, fault(0x00401000, false, false, true).errorCode(), "a kernel read of a missing page: P=0, W=0, U=0");
    }

    @Test
    void rightsAreCheckedAtBothLevelsAndCr0WpDecidesKernelWrites() {
        map(0x00401000, 0x200000, P | US);          // user, read-only
        map(0x00402000, 0x201000, P | RW);          // supervisor
        PageWalk.Fault userWrite = fault(0x00401000, true, true, true);
        assertEquals(PageWalk.Fault.PRESENT | PageWalk.Fault.WRITE | PageWalk.Fault.USER, userWrite.errorCode());
        assertEquals(PageWalk.Fault.PRESENT | PageWalk.Fault.USER, fault(0x00402000, false, true, true).errorCode());
        assertEquals(PageWalk.Fault.PRESENT | PageWalk.Fault.WRITE, fault(0x00401000, true, false, true).errorCode(),
                "with CR0.WP set the kernel may not write a read-only page");
        assertInstanceOf(PageWalk.Translation.class, tables.translate(CR3, 0x00401000, true, false, false, true),
                "with CR0.WP clear it may");
        // A directory entry that is read-only makes every page under it read-only for users.
        map(0x00403000, 0x202000, P | RW | US);
        ram.write(CR3 + 4, 4, (int) TABLE | P | US);
        assertFalse(fault(0x00403000, true, true, true).reason().isEmpty());
        assertEquals(0, ram.read(TABLE + 3 * 4, 4) & A, "a refused access sets no flags");
    }

    @Test
    void aFourMegabytePageNeedsCr4PseAndRefusesReservedBits() {
        ram.write(CR3 + 2 * 4, 4, 0x00400000 | P | RW | US | PS);
        PageWalk.Translation large = translated(0x00812345, true, false);
        assertTrue(large.large());
        assertEquals(0x00412345, large.physical());
        assertEquals(A | D, ram.read(CR3 + 8, 4) & (A | D));
        ram.write(CR3 + 2 * 4, 4, 0x00400000 | P | RW | PS | (1 << 13));
        assertEquals(PageWalk.Fault.PRESENT | PageWalk.Fault.RESERVED,
                fault(0x00812345, false, false, true).errorCode() & (PageWalk.Fault.PRESENT | PageWalk.Fault.RESERVED));
    }

    @Test
    void anObserverReadsThroughTheTablesWithoutLeavingATrace() {
        map(0x00401000, 0x200000, P | RW | US);
        map(0x00402000, 0x201000, P | RW | US);
        ram.writeBytes(0x200FFE, new byte[] {1, 2});
        ram.writeBytes(0x201000, new byte[] {3, 4});
        GuestVirtualMemory observed = new GuestVirtualMemory(new GuestPageTables(ram, false), CR3, true);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, observed.read(0x00401FFE, 4), "a read across a page boundary");
        assertEquals(0, ram.read(TABLE + 4, 4) & A, "introspection is passive: no accessed flag set");
        assertThrows(GuestVirtualMemory.Unmapped.class, () -> observed.read(0x00403FFE, 4));
    }

    @Test
    void tablesOutsideRamAreTheGuestsProblemNeverAReadOfOtherMemory() {
        assertThrows(GuestFault.OutsideRam.class, () -> tables.translate(0xFFFFF000L, 0x1000, false, false, true, true));
        ram.write(CR3, 4, 0x7FFFF000 | P | RW | US);
        assertThrows(GuestFault.OutsideRam.class, () -> tables.translate(CR3, 0x1000, false, false, true, true));
    }

    @Test
    void shadowEntriesCompressRingsAndCatchTheFirstWrite() {
        map(0x00401000, 0x200000, P | RW);           // a kernel page, writable, not yet dirty
        PageWalk.Translation clean = translated(0x00401000, false, false);
        int inKernel = ShadowEntry.of(clean, 0x00401000, true, true);
        assertEquals(0x200000 | P | US, inKernel, "user in the shadow (the kernel runs at CPL 3), read-only until dirty");
        assertEquals(0, ShadowEntry.of(clean, 0x00401000, false, true), "absent while the guest's user code runs");
        PageWalk.Translation written = translated(0x00401000, true, false);
        assertEquals(0x200000 | P | US | RW, ShadowEntry.of(written, 0x00401000, true, true));

        ram.write(CR3 + 2 * 4, 4, 0x00400000 | P | US | PS | D);
        PageWalk.Translation large = translated(0x00812345, false, true);
        assertEquals(0x00412000 | P | US, ShadowEntry.of(large, 0x00812345, false, true),
                "a 4 MiB guest page is shadowed 4 KiB at a time; read-only: the guest did not allow writes");
    }
}
