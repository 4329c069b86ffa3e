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
    private final RecordingPaging real = new RecordingPaging(8L << 20);
    private final ShadowMmu mmu = newMmu();

    private ShadowMmu newMmu() {
        ShadowMmu made = new ShadowMmu(vcpu, ram, shadows, real);
        made.setRamMoves(true);
        return made;
    }

    /** The real CPU, as far as the MMU drives it: what it was told, in order, and its map kept by the real {@link FrameRuns}. */
    static final class RecordingPaging implements RealPaging {
        final List<String> calls = new ArrayList<>();
        final FrameRuns runs = new FrameRuns();
        final java.util.Set<Long> nothing = new java.util.HashSet<>();
        final Map<Long, Long> devices = new HashMap<>();
        final long ramSize;

        RecordingPaging(long ramSize) {
            this.ramSize = ramSize;
            identity();
        }

        public void load(long root) { calls.add("load " + Long.toHexString(root)); }
        public void switchRoot(long root) { calls.add("switch " + Long.toHexString(root)); }
        public void disable() { calls.add("disable"); identity(); }
        public void identity() {
            runs.clear();
            nothing.clear();
            aliases.clear();
            devices.clear();
            runs.add(new FrameRuns.Run(0, 0, ramSize / 4096));
        }
        public long frameAt(long page) { long a = aliases.frameAt(page); return a >= 0 ? a : runs.frameAt(page); }
        public long linearOf(long frame) { return runs.linearOf(frame); }
        public boolean canShow(long page, long frame) { return runs.free(page, frame) && !nothing.contains(page) && !devices.containsKey(page) && !aliases.contains(page); }
        public void show(long linear, long frame, long pages) { runs.add(new FrameRuns.Run(linear, frame, pages)); }
        public void move(long page, long frame, long pages, java.util.function.LongConsumer vacated) {
            for (long p = page; p < page + pages * 4096; p += 4096) { nothing.remove(p); unalias(p, vacated); }
            calls.add("move " + Long.toHexString(frame) + " to " + Long.toHexString(page) + " x" + pages);
            runs.move(page, frame, pages, vacated);
        }
        public void showNothing(long page) { nothing.add(page); }
        final FrameAliases aliases = new FrameAliases();
        public void alias(long page, long frame, long pages, java.util.function.LongConsumer vacated) {
            for (long p = page; p < page + pages * 4096; p += 4096) { nothing.remove(p); unalias(p, vacated); }
            runs.cut(page, pages, 0, 0, vacated);
            aliases.put(new FrameRuns.Run(page, frame, pages));
            calls.add("alias " + Long.toHexString(frame) + " at " + Long.toHexString(page) + " x" + pages);
        }
        public java.util.List<Long> aliasesOf(long frame) { return aliases.pagesOf(frame); }
        public void unalias(long page, java.util.function.LongConsumer vacated) {
            FrameRuns.Run run = aliases.runAt(page);
            if (run == null) return;
            aliases.remove(run);
            calls.add("unalias " + Long.toHexString(run.linear()));
            for (long p = run.linear(); p < run.linearEnd(); p += 4096) vacated.accept(p);
        }
        public void dropAliases(java.util.function.LongConsumer vacated) {
            for (FrameRuns.Run run : aliases.clear()) for (long p = run.linear(); p < run.linearEnd(); p += 4096) vacated.accept(p);
            calls.add("drop aliases");
        }
        public int aliasCount() { return aliases.size(); }
        public boolean empty(long page) { return runs.atLinear(page) == null && !nothing.contains(page) && !devices.containsKey(page) && !aliases.contains(page); }
        public boolean aliasedDevice(long page, long frame) { return devices.containsKey(page) && devices.get(page) == frame; }
        public void aliasDevice(long page, long frame, java.util.function.LongConsumer vacated) {
            nothing.remove(page);
            runs.cut(page, 1, 0, 0, vacated);
            devices.put(page, frame);
        }
        public void dropPlaceholders() { nothing.clear(); devices.clear(); aliases.clear(); }
        public int placeholders() { return nothing.size() + devices.size(); }
        public int runCount() { return runs.size(); }
        public void coalesce() { runs.coalesce(); calls.add("coalesce"); }
        public void dropCode(long frame, long length) { calls.add("drop code " + Long.toHexString(frame)); }
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
    void aPageTouchedFirstIsShownInARunOfTheFramesAroundIt() {
        pagingOn();
        long table = 0x203000; // linear 0x80000000 + pa -> pa for the first 4 MiB, as xv6's kernel maps RAM
        ram.write(PD + 512 * 4, 4, (int) table | P | RW);
        for (int i = 0; i < 1024; i++) {
            ram.write(table + 4L * i, 4, (i << 12) | P | RW);
        }
        real.identity();
        real.runs.cut(0, 1024, 0, 0, page -> { }); // the guest left its boot tables: low RAM shown nowhere
        assertTrue(mmu.onUnmappedAccess(0x80001010L));
        assertEquals(new FrameRuns.Run(0x80000000L, 0, 1024), real.runs.atLinear(0x80001000L),
                "the pages the guest maps contiguously around it, in one emulator mapping");
        assertTrue(mmu.onUnmappedAccess(0x50000000));
        assertTrue(real.nothing.contains(0x50000000L), "no mapping: backed by nothing, so the walk faults for the guest");
        assertFalse(mmu.onUnmappedAccess(ShadowPageTables.POOL), "the shadow pool is never the guest's");
    }

    @Test
    void framesTheGuestNoLongerMapsWhereTheyAreShownMoveInBulk() {
        pagingOn();
        long table = 0x203000;
        ram.write(PD + 512 * 4, 4, (int) table | P | RW);
        for (int i = 0; i < 1024; i++) {
            ram.write(table + 4L * i, 4, (i << 12) | P | RW);
        }
        ram.write(PD, 4, 0); // low memory unmapped: RAM at its own address is stale
        ram.write(PT + 5 * 4, 4, 0x9000 | P | RW | US); // but frame 0x9000 is still a user page at 0x5000 ...
        ram.write(PD, 4, (int) PT | P | RW | US);
        for (int i = 0; i < 1024; i++) {
            ram.write(PT + 4L * i, 4, i == 5 ? 0x9000 | P | RW | US : 0);
        }
        real.move(0x5000, 0x9000, 1, page -> { });
        assertInstanceOf(ShadowFault.Filled.class, mmu.onRealPageFault(0x80002000L, 4));
        mmu.sync();
        assertEquals("move 0 to 80000000 x9", real.calls.get(real.calls.size() - 2), "up to the frame in use at 0x5000");
        assertEquals(0x5000L, real.linearOf(0x9000));
        assertEquals(0x8000L, real.frameAt(0x80008000L));
    }

    @Test
    void aFrameWantedAtASecondAddressMovesAndItsOldPageLosesItsShadowEntry() {
        pagingOn();
        mmu.onRealPageFault(0x300000, 4); // the kernel reads frame 0x300000 at its own address
        assertNotEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x300000));
        ram.write(PT + 4, 4, 0x300000 | P | RW); // linear 0x1000 -> 0x300000, a second kernel page of the frame
        assertInstanceOf(ShadowFault.Filled.class, mmu.onRealPageFault(0x1000, 4));
        assertTrue(mmu.realCpuBehind(), "the move waits for the CPU to stop");
        assertEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x1000), "and so does the entry: nothing may reach the page before");
        mmu.sync();
        assertEquals(0x300000L, real.frameAt(0x1000));
        assertEquals(0x1000L, real.linearOf(0x300000), "one place per frame");
        assertEquals(-1L, real.frameAt(0x300000), "the frame's old page shows nothing now");
        assertEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x300000), "and its stale shadow entry is gone");
        assertEquals(0x2000L, real.frameAt(0x2000), "the rest of RAM stays where it was");
        assertEquals(1, mmu.counters().moves());
        assertInstanceOf(ShadowFault.Filled.class, mmu.onRealPageFault(0x1000, 4)); // the access again
        assertEquals(0x300000 | P | US, shadows.entry(ShadowPageTables.View.KERNEL, 0x1000));
        assertFalse(mmu.realCpuBehind(), "no second move");
    }

    @Test
    void aUserPageOfDataIsASecondMappingAndTheKernelsRunStaysWhole() {
        pagingOn();
        mmu.onRealPageFault(0x300000, 4); // the kernel reads frame 0x300000 at its own address
        ram.write(PT + 4, 4, 0x300000 | P | RW | US); // linear 0x1000 -> 0x300000, as xv6 maps user pages low
        assertInstanceOf(ShadowFault.Filled.class, mmu.onRealPageFault(0x1000, 4 | 2));
        assertTrue(mmu.realCpuBehind(), "0x1000 shows frame 0x1000 now: the alias waits for the CPU to stop");
        mmu.sync();
        assertEquals(0x300000L, real.frameAt(0x1000), "the user page shows the frame");
        assertEquals(0x300000L, real.linearOf(0x300000), "and the frame stays where the kernel uses it");
        assertNotEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x300000), "its shadow entry there survives");
        assertInstanceOf(ShadowFault.Filled.class, mmu.onRealPageFault(0x1000, 4 | 2)); // the access again
        assertFalse(mmu.realCpuBehind());
        assertEquals(0, mmu.counters().moves());
        assertEquals(1, mmu.counters().userAliases());
    }

    @Test
    void codeTranslatedFromAnAliasedFrameTakesItsAliasAwayAndTheFrameMoves() {
        pagingOn();
        ram.write(PT + 4, 4, 0x300000 | P | RW | US);
        mmu.onRealPageFault(0x1000, 4);
        mmu.sync();
        assertEquals(List.of(0x1000L), real.aliasesOf(0x300000));
        mmu.codeTranslated(0x1000, 16); // user code runs from it
        assertTrue(mmu.realCpuBehind(), "code must have one place: the alias goes at the next stop");
        mmu.sync();
        assertTrue(real.calls.contains("unalias 1000"), real.calls.toString());
        assertEquals(0, shadows.entry(ShadowPageTables.View.USER, 0x1000), "and its shadow entry with it");
        mmu.onRealPageFault(0x1000, 4);
        mmu.sync();
        assertEquals(0x1000L, real.linearOf(0x300000), "the frame with code moved to the page that runs it");
        assertEquals(1, mmu.counters().moves());
    }

    @Test
    void aHeapLaidOutInRamAsItIsInTheProcessIsOneAlias() {
        pagingOn();
        long table = 0x202000; // linear 0x40000000.. -> frames 0x300000.., user pages, as a kernel hands out a heap
        for (int i = 0; i < 64; i++) {
            ram.write(table + 4L * i, 4, (0x300000 + i * 4096) | P | RW | US);
        }
        ram.write(table + 4L * 20, 4, 0x300000 + 20 * 4096 | P | RW); // but page 20 is the kernel's
        mmu.onRealPageFault(0x40005000L, 4);
        assertFalse(mmu.realCpuBehind(), "nothing was mapped there: no stop");
        assertEquals(1, real.aliasCount(), "one emulator mapping");
        assertEquals(0x300000L + 19 * 4096, real.frameAt(0x40000000L + 19 * 4096), "up to the page before the kernel's");
        assertEquals(-1L, real.frameAt(0x40000000L + 20 * 4096));
        assertEquals(0x300000L, real.frameAt(0x40000000L));
    }

    @Test
    void aHeapsAliasRunsAheadOverPagesNotMappedYet() {
        pagingOn();
        long table = 0x202000;
        for (int i = 0; i < 8; i++) {
            ram.write(table + 4L * i, 4, (0x300000 + i * 4096) | P | RW | US);
        }
        mmu.onRealPageFault(0x40000000L, 4);
        assertEquals(0x300000L + 100 * 4096, real.frameAt(0x40000000L + 100 * 4096), "shown ahead, to the end of the 4 MiB");
        assertEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x40000000L + 100 * 4096), "but unreachable: no shadow entry");
        ram.write(table + 4L * 8, 4, (0x300000 + 8 * 4096) | P | RW | US); // the heap grows by the next frame
        mmu.onRealPageFault(0x40008000L, 4);
        assertFalse(mmu.realCpuBehind(), "already shown: no new mapping, no stop");
        assertEquals(1, real.aliasCount());
        ram.write(table + 4L * 9, 4, 0x500000 | P | RW | US); // another frame: the run ahead was a wrong guess
        mmu.onRealPageFault(0x40009000L, 4);
        assertTrue(mmu.realCpuBehind());
        mmu.sync();
        assertEquals(0x500000L, real.frameAt(0x40009000L));
    }

    @Test
    void moreAliasesThanTheLimitAllGoAtTheNextStop() {
        pagingOn();
        int limit = 64;
        mmu.limitAliases(limit);
        long table = 0x202000; // linear 0x40000000 -> every other frame from 0x300000: no two pages make a run
        for (int i = 0; i <= limit; i++) {
            ram.write(table + 4L * i, 4, (0x300000 + 2 * i * 4096) | P | RW | US);
        }
        for (int i = 0; i < limit; i++) {
            assertInstanceOf(ShadowFault.Filled.class, mmu.onRealPageFault(0x40000000L + i * 4096L, 4));
            assertFalse(mmu.realCpuBehind(), "a page with nothing mapped gets its alias at once, no stop");
        }
        mmu.onRealPageFault(0x40000000L + limit * 4096L, 4);
        assertTrue(mmu.realCpuBehind(), "one too many: each alias is one of QEMU's RAM blocks");
        mmu.sync();
        assertEquals(0, real.aliasCount());
        assertEquals(1, mmu.counters().aliasDrops());
        assertEquals(0, shadows.entry(ShadowPageTables.View.USER, 0x40000000L), "their shadow entries went too");
        assertEquals(0x300000L, real.linearOf(0x300000), "the frames themselves never moved");
    }

    @Test
    void runsThatContinueOneAnotherAreJoinedAgainOnceTheyAreMany() {
        pagingOn();
        for (int i = 0; i <= MapUpkeep.COALESCE_STEP; i++) {
            real.move(0x400000 + 2L * i * 4096, 0x400000 + 2L * i * 4096, 1, page -> { }); // cut, but each frame at its own page
        }
        assertTrue(real.runCount() > MapUpkeep.COALESCE_STEP);
        mmu.sync();
        assertEquals(1, mmu.counters().coalesces());
        assertEquals(2, real.runCount(), "RAM at its own addresses is one run per 4 MiB again");
    }

    @Test
    void aProcessSwitchedBackToGetsItsShadowEntriesBackCheckedAgainstItsTablesNow() {
        pagingOn();
        long table = 0x202000; // process A: linear 0x40000000.. -> frames 0x300000.., user pages
        for (int i = 0; i < 4; i++) {
            ram.write(table + 4L * i, 4, (0x300000 + i * 4096) | P | RW | US);
        }
        for (int i = 0; i < 4; i++) {
            mmu.onRealPageFault(0x40000000L + i * 4096L, 4);
        }
        mmu.sync();
        long other = 0x204000; // the kernel's own directory, as xv6's scheduler runs on: no user pages
        ram.write(other, 4, (int) PT | P | RW);
        vcpu.setCr3((int) other);
        mmu.cr3Loaded();
        assertEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x40000000L), "A's pages are not the kernel directory's");
        ram.write(table + 4L * 2, 4, 0); // while A is not loaded, its kernel unmaps page 2 ...
        ram.write(table + 4L * 3, 4, (0x300000 + 3 * 4096) | P | RW | US); // ... and page 3's accessed flag is cleared
        vcpu.setCr3((int) PD);
        mmu.cr3Loaded();
        assertEquals(0x300000 | P | US, shadows.entry(ShadowPageTables.View.KERNEL, 0x40000000L), "back without a fault");
        assertEquals(0x301000 | P | US, shadows.entry(ShadowPageTables.View.KERNEL, 0x40001000L));
        assertEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x40002000L), "unmapped since: gone, as after a TLB flush");
        assertEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x40003000L), "its accessed flag must be set again by a walk");
        assertEquals(2, mmu.counters().keptEntries());
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
        ram.write(PT + 0x101 * 4, 4, 0); // the guest unmaps the page and reloads CR3 to empty its TLB
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
        ram.write(table + 4, 4, 0x1000 | P | RW | US); // linear 0x80001000 -> frame 0x1000, fine
        ram.write(PD + 1020 * 4, 4, (int) table | P | RW | US);
        var overPool = (ShadowFault.Refused) mmu.onRealPageFault(ShadowPageTables.POOL + 0x1000, 6); // linear in the pool -> RAM
        assertTrue(overPool.reason().contains("shadow pool"), overPool.reason());
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
        for (FrameRuns.Run run : real.runs.runs()) {
            assertTrue(ram.contains(run.frame(), run.pages() * 4096), "every run is guest RAM: " + run);
            assertFalse(ShadowPageTables.inPool(run.linear()) || ShadowPageTables.inVmmRegion(run.linear()), "and never over the VMM: " + run);
        }
    }

    @Test
    void theVmmsStoresStopTheCpuOnlyWhereTheEmulatorTranslatedCode() {
        pagingOn();
        real.calls.clear();
        mmu.codeWritten(0x150ff8, 8); // an interrupt frame on a kernel stack: no code was ever there
        assertFalse(mmu.realCpuBehind(), "a store to a stack costs no stop");
        mmu.codeTranslated(0x40000010, 32); // a user block, at 0x40000000 -> frame 0x300000
        mmu.codeWritten(0x300ffc, 4);
        assertTrue(mmu.realCpuBehind(), "a store to a frame with code must wait for the CPU to stop, then drop it");
        mmu.sync();
        assertTrue(real.calls.contains("drop code 300ffc"), real.calls.toString());
        real.calls.clear();
        mmu.codeWritten(0x300000, 4);
        assertFalse(mmu.realCpuBehind(), "its code is gone: until it is translated again, the frame is data");
        mmu.codeTranslated(0xffe, 4); // a block across two pages, identity-mapped: both frames hold code
        mmu.codeWritten(0x1000, 1);
        assertTrue(mmu.realCpuBehind());
        assertEquals(1, mmu.codeFrameCount(), "frame 0 still holds code; frame 1's is being dropped");
    }

    @Test
    void aBlockThatThePagesDoNotMapMarksNothing() {
        pagingOn();
        mmu.codeTranslated(0x50000000, 16); // unmapped in the guest's tables
        assertEquals(0, mmu.codeFrameCount());
    }

    @Test
    void aMapCutIntoTooManyRunsIsPutBackAsAtPowerOn() {
        pagingOn();
        real.runs.clear(); // frames moved one by one, none next to another: one run each
        for (int i = 0; i <= MapUpkeep.RUN_LIMIT; i++) {
            real.show(2L * i * 4096, 2L * i * 4096, 1);
        }
        mmu.onRealPageFault(0x100123, 4);
        mmu.sync();
        assertEquals(1, mmu.counters().compactions());
        assertEquals(1, real.runCount(), "RAM back at its own addresses");
        assertEquals(0, shadows.entry(ShadowPageTables.View.KERNEL, 0x100123), "and no shadow entry survives it");
        mmu.sync();
        assertEquals(1, mmu.counters().compactions(), "a map of few runs stays as it is");
    }
}
