package hvlab.vmm.paging;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.memory.GuestFault;
import hvlab.vmm.memory.GuestRam;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The shadow MMU's decisions, with no emulator: guest tables in a real GuestRam, the real CPU a recording double. */
class ShadowMmuTest {
    static final long PD = 0x200000;
    static final long PT = 0x201000;
    static final int P = 1, RW = 2, US = 4;

    private final GuestMemory memory = new GuestMemory(8L << 20);
    private final GuestRam ram = new GuestRam(memory, null);
    private final VirtualCpu vcpu = new VirtualCpu();
    private final ShadowPageTables shadows = new ShadowPageTables();
    private final RecordingPaging real = new RecordingPaging();
    private final ShadowMmu mmu = new ShadowMmu(vcpu, ram, shadows, real);

    /** The real CPU, as far as the MMU drives it: what it was told, in order. */
    static final class RecordingPaging implements RealPaging {
        final List<String> calls = new ArrayList<>();
        final Map<Long, Long> aliases = new HashMap<>();

        public void load(long root) { calls.add("load " + Long.toHexString(root)); }
        public void switchRoot(long root) { calls.add("switch " + Long.toHexString(root)); }
        public void disable() { calls.add("disable"); aliases.clear(); }
        @Override
        public void withPagingOff(Runnable work) { calls.add("paging off"); work.run(); }
        public boolean aliased(long page, long frame) { return aliases.containsKey(page) && aliases.get(page) == frame; }
        public void alias(long page, long frame) { aliases.put(page, frame); }
        final Map<Long, Long> devices = new HashMap<>();
        public boolean aliasedDevice(long page, long frame) { return devices.containsKey(page) && devices.get(page) == frame; }
        public void aliasDevice(long page, long frame) { aliases.remove(page); devices.put(page, frame); }
        public void dropAlias(long page) { aliases.remove(page); devices.remove(page); }
        public void dropAliases() { aliases.clear(); devices.clear(); }
    }

    @AfterEach
    void close() {
        shadows.close();
        memory.close();
    }

    /** Identity-maps the first 4 MiB (supervisor) and maps 0x40000000 -> 0x300000 (user) through PD/PT. */
    private void pagingOn() {
        ram.write(PD, 4, (int) PT | P | RW | US);
        for (int i = 0; i < 1024; i++) {
            ram.write(PT + 4L * i, 4, (i << 12) | P | RW);
        }
        long userTable = 0x202000;
        ram.write(PD + 256 * 4, 4, (int) userTable | P | RW | US);
        ram.write(userTable, 4, 0x300000 | P | RW | US);
        vcpu.setCr3((int) PD);
        vcpu.setCr0(VirtualCpu.CR0_RESET | VirtualCpu.CR0_PG | VirtualCpu.CR0_WP);
        mmu.sync();
    }

    @Test
    void aShadowMissIsFilledAndTheGuestNeverKnows() {
        pagingOn();
        assertEquals(List.of("load " + Long.toHexString(ShadowPageTables.root(ShadowPageTables.View.KERNEL))), real.calls);
        assertInstanceOf(ShadowFault.Filled.class, mmu.onRealPageFault(0x100123, 4));
        int entry = shadows.entry(ShadowPageTables.View.KERNEL, 0x100123);
        assertEquals(0x100000 | P | US, entry, "mapped for the kernel at real CPL 3, read-only until its first write");
        assertEquals(0, shadows.entry(ShadowPageTables.View.USER, 0x100123), "the user view never sees a supervisor page");
        assertEquals(0x20, ram.read(PT + 0x100 * 4, 4) & 0x60, "accessed set in the guest's entry, dirty not");
        assertInstanceOf(ShadowFault.Filled.class, mmu.onRealPageFault(0x100123, 6));
        assertEquals(0x100000 | P | US | RW, shadows.entry(ShadowPageTables.View.KERNEL, 0x100123));
        assertEquals(0x60, ram.read(PT + 0x100 * 4, 4) & 0x60, "the first write sets dirty, as the processor would");
        assertEquals(0, mmu.counters().guestFaults());
    }

    @Test
    void aFaultOfTheGuestsOwnTablesIsItsPageFaultWithCr2() {
        pagingOn();
        var fault = (ShadowFault.Guest) mmu.onRealPageFault(0x50000000, 6);
        assertEquals(2, fault.fault().errorCode(), "not present, write, from its kernel (virtual CPL 0)");
        assertEquals(0x50000000, vcpu.cr2());
        vcpu.setPrivilegeLevel(3);
        var user = (ShadowFault.Guest) mmu.onRealPageFault(0x100000, 4);
        assertEquals(5, user.fault().errorCode(), "present, user, read: a supervisor page");
    }

    @Test
    void aPageAboveRamIsAliasedToItsFrame() {
        pagingOn();
        assertTrue(mmu.onUnmappedAccess(0x40000010));
        assertEquals(0x300000L, real.aliases.get(0x40000000L));
        assertTrue(mmu.onUnmappedAccess(0x50000000));
        assertEquals(-1L, real.aliases.get(0x50000000L), "no mapping: backed by nothing, so the walk faults for the guest");
        assertFalse(mmu.onUnmappedAccess(0x7FF000), "below the top of RAM: not the MMU's business");
        assertFalse(mmu.onUnmappedAccess(ShadowPageTables.POOL), "the shadow pool is never aliased");
    }

    @Test
    void invlpgAndCr3LoadsTakeShadowEntriesAwayAndEmptyTheRealTlb() {
        pagingOn();
        mmu.onRealPageFault(0x100000, 4);
        mmu.onRealPageFault(0x101000, 4);
        mmu.pageInvalidated(0x100000);
        assertEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x100000));
        assertNotEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x101000));
        assertTrue(mmu.realCpuBehind());
        mmu.sync();
        assertFalse(mmu.realCpuBehind());
        mmu.cr3Loaded();
        assertEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x101000));
        mmu.sync();
        assertEquals(3, real.calls.size(), "each flush is a real CR3 load: " + real.calls);
    }

    @Test
    void aPrivilegeChangeSwitchesTheShadowRoot() {
        pagingOn();
        vcpu.setPrivilegeLevel(3);
        assertTrue(mmu.realCpuBehind());
        mmu.sync();
        assertEquals("load " + Long.toHexString(ShadowPageTables.root(ShadowPageTables.View.USER)), real.calls.getLast());
        assertEquals(1, mmu.counters().viewSwitches());
    }

    @Test
    void intoTheKernelTheRootMovesWithoutAFlushOutOfItWithOne() {
        pagingOn();
        vcpu.setPrivilegeLevel(3);
        mmu.sync();
        vcpu.setPrivilegeLevel(0); // a system call
        assertTrue(mmu.realCpuBehind());
        assertTrue(mmu.enterKernelView(), "user to kernel: the kernel view grants all the user view does");
        assertFalse(mmu.realCpuBehind());
        assertEquals("switch " + Long.toHexString(ShadowPageTables.root(ShadowPageTables.View.KERNEL)), real.calls.getLast());
        vcpu.setPrivilegeLevel(3); // the return
        assertFalse(mmu.enterKernelView());
        assertTrue(mmu.realCpuBehind(), "kernel to user needs the TLB emptied, with the CPU stopped");
        mmu.sync();
        assertEquals("load " + Long.toHexString(ShadowPageTables.root(ShadowPageTables.View.USER)), real.calls.getLast());
    }

    @Test
    void theGuestCannotMapTheVmmRegionThePoolOrMemoryItDoesNotHave() {
        pagingOn();
        long table = 0x203000;
        ram.write(PD + 1023 * 4, 4, (int) table | P | RW | US);
        ram.write(table + 768 * 4, 4, 0x100000 | P | RW | US); // linear 0xFFF00000, the VMM region
        var region = (ShadowFault.Refused) mmu.onRealPageFault(0xFFF00000L, 6);
        assertTrue(region.reason().contains("VMM's region"), region.reason());
        ram.write(PD + 512 * 4, 4, (int) table | P | RW | US);
        ram.write(table, 4, (int) ShadowPageTables.POOL | P | RW | US); // linear 0x80000000 -> the pool
        var pool = (ShadowFault.Refused) mmu.onRealPageFault(0x80000000L, 6);
        assertTrue(pool.reason().contains("not RAM"), pool.reason());
        ram.write(PT + 4, 4, 0x300000 | P | RW); // linear 0x1000 -> frame 0x300000, below the top of RAM
        var inRam = (ShadowFault.Refused) mmu.onRealPageFault(0x1000, 4);
        assertTrue(inRam.reason().contains("only map a page to itself"), inRam.reason());
    }

    @Test
    void hostileTablesNeverGetAShadowEntryOutsideRamOrIntoTheVmm() {
        pagingOn();
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            ram.write(PD + 4L * random.nextInt(1024), 4, random.nextInt());
            ram.write(0x200000 + 4L * random.nextInt(8192), 4, random.nextInt());
            long linear = random.nextInt() & 0xFFFFF000L;
            vcpu.setPrivilegeLevel(random.nextBoolean() ? 3 : 0);
            try {
                mmu.onRealPageFault(linear, random.nextInt(8));
                mmu.onUnmappedAccess(linear);
            } catch (GuestFault.OutsideRam tablesOutsideRam) {
                // a directory entry naming a table beyond RAM: the VM ends with a memory fault
            }
            if (i % 1000 == 0) {
                mmu.cr3Loaded();
            }
        }
        for (ShadowPageTables.View view : ShadowPageTables.View.values()) {
            for (long linear = 0; linear < 1L << 32; linear += 4096) {
                int entry = shadows.entry(view, linear);
                if ((entry & P) == 0) {
                    continue;
                }
                long frame = entry & 0xFFFFF000L;
                if (ShadowPageTables.inVmmRegion(linear)) {
                    assertEquals(linear, frame, "the VMM region maps only itself");
                    assertEquals(0, entry & (US | RW), "and only for the real CPU's own reads");
                } else {
                    assertTrue(ram.contains(frame, 4096), String.format("linear %08x -> %08x is not RAM", linear, frame));
                    assertFalse(ShadowPageTables.inPool(frame));
                }
            }
        }
        real.aliases.forEach((page, frame) -> assertTrue(frame == -1 || ram.contains(frame, 4096)));
    }
}
