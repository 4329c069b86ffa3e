package hvlab.vmm.paging;

import hvlab.vmm.VirtualCpu;
import hvlab.vmm.memory.GuestFault;
import hvlab.vmm.memory.GuestRam;

/**
 * The VMM's software MMU: shadow paging, as VMware and Xen virtualized memory before EPT (Adams
 * and Agesen, ASPLOS 2006; Intel SDM Vol. 3A, chapter 4 for what is being imitated).
 *
 * <p>The guest's CR0.PG, CR3 and CR4 are virtual: writing them traps, and changes only the
 * {@link VirtualCpu}. Its page tables are ordinary data in its RAM. The real MMU walks
 * {@link ShadowPageTables} instead, which start empty and are filled lazily: an access the
 * shadow cannot translate raises a real page fault, and {@link #onRealPageFault} walks the
 * guest's tables for it. If they translate, the shadow gets the entry and the instruction runs
 * again (a "hidden" fault the guest never sees); if they do not, the guest gets its own #PF, with
 * CR2 and the error code the hardware would have given.
 *
 * <p>Like a TLB, the shadow may be out of date with the guest's tables, and the guest must do
 * what it does for a real TLB: INVLPG after changing an entry, or load CR3. Those trap, and
 * {@link #pageInvalidated} and {@link #cr3Loaded} take the stale entries away. The scheme chosen
 * here is the simplest correct one: a CR3 load drops every shadow entry, so each address space
 * switch costs a refill by hidden faults. Its price is measured (benchmark B13); a cache of
 * shadows per CR3 would need the guest's page tables write-protected to stay correct.
 *
 * <p>Ring compression: the guest kernel runs at real CPL 3 like its user code, so there are two
 * shadows, a kernel view that maps every page the guest's tables map and a user view that maps
 * only its user pages; {@link #sync} points the real CR3 at the one for the guest's virtual CPL
 * before it runs again.
 */
public final class ShadowMmu {
    /** A shadow fault that comes back after it was filled and the real TLB emptied: a VMM bug, not a loop to spin in. */
    private static final int REPEAT_LIMIT = 3;
    /** Placeholder pages kept across address-space switches before they are all unmapped. */
    private static final int PLACEHOLDER_LIMIT = 256;

    private final VirtualCpu vcpu;
    private final GuestRam ram;
    private final GuestPageTables guestTables;
    /** The same tables, walked without a trace: for the VMM looking at code, not the guest accessing it. */
    private final GuestPageTables observer;
    private final ShadowPageTables shadows;
    private final RealPaging real;
    /** What the real CPU has now: -1 when real paging is off. */
    private long loadedRoot = -1;
    private boolean flushNeeded;
    /** The paging controls the shadows were built under: a change drops them. */
    private int builtUnder;
    private long lastFilled = -1;
    private int repeats;
    private final PagingCounters counters = new PagingCounters();
    /** Emulator memory-map work (see {@link CpuPaging}) that waits for the CPU to stop. */
    private final AliasChanges aliasChanges = new AliasChanges();
    /** Keeps the emulator's map small: too many aliases or runs cost every map after them. */
    private final MapUpkeep upkeep;
    private final CodeFrames codeFrames = new CodeFrames();
    /** The pages of the last few address spaces' shadows, put back when the guest returns to one. */
    private final ShadowContexts contexts = new ShadowContexts();
    /** The guest CR3 the shadow entries now were built for: -1 before the first load. */
    private long shadowsBuiltFor = -1;
    /** Where the emulator shows each frame the guest maps: see {@link FramePlacement}. */
    private final FramePlacement placement;

    public ShadowMmu(VirtualCpu vcpu, GuestRam ram, ShadowPageTables shadows, RealPaging real) {
        this.vcpu = vcpu;
        this.ram = ram;
        this.guestTables = new GuestPageTables(ram);
        this.observer = new GuestPageTables(ram, false);
        this.shadows = shadows;
        this.real = real;
        this.placement = new FramePlacement(vcpu, ram, observer, shadows, real, aliasChanges, counters);
        this.upkeep = new MapUpkeep(real, aliasChanges, counters);
        this.placement.setHoldsCode(frame -> codeFrames.anyIn(frame, 4096));
        real.onCodeDropped(codeFrames::dropped); // a run unmapped takes its code along
    }

    /**
     * Which physical frames are device memory (the local APIC, the I/O APIC): frames the guest's
     * tables may name, but that are never RAM (DESIGN.md section 17).
     */
    public void setDeviceFrames(java.util.function.LongPredicate claims) {
        placement.setDeviceFrames(claims);
    }

    /** RAM that moves (DESIGN.md section 17), for the APIC machine xv6 runs on; off by default. */
    public void setRamMoves(boolean on) {
        placement.setRamMoves(on);
    }

    /** The emulator's page walk honours the frame (Unicorn 2.1): see {@link FramePlacement#setTranslated}. */
    public void setTranslated(boolean on) {
        placement.setTranslated(on);
    }

    /** For tests: a smaller {@link MapUpkeep#ALIAS_LIMIT}. */
    void limitAliases(int limit) {
        upkeep.limitAliases(limit);
    }

    /** How the emulator is shown the guest's frames, as a person reads it (DESIGN.md sections 10, 17 and 18). */
    public String scheme() {
        if (placement.translated()) {
            return "the emulator translates: entries name the guest's frames";
        }
        return placement.ramMoves() ? "RAM moves to where the guest maps it (the emulator maps linear = physical)"
                : "pages above RAM are second mappings (the emulator maps linear = physical)";
    }

    public PagingCounters counters() {
        return counters;
    }

    public ShadowPageTables shadows() {
        return shadows;
    }

    /** Does the guest page now (its virtual CR0.PG)? */
    public boolean pagingEnabled() {
        return vcpu.pagingEnabled();
    }

    /** The view of the guest's current privilege level. */
    public ShadowPageTables.View view() {
        return vcpu.privilegeLevel() == 3 ? ShadowPageTables.View.USER : ShadowPageTables.View.KERNEL;
    }

    /**
     * A real #PF at {@code linear} with the real error code. Called only while real paging is on;
     * the access was made by guest code, at the guest's current virtual privilege level.
     */
    public ShadowFault onRealPageFault(long linear, int realErrorCode) {
        if (!vcpu.pagingEnabled()) {
            return new ShadowFault.Refused(String.format("a page fault at 0x%08x with the guest's paging off", linear));
        }
        boolean write = (realErrorCode & PageWalk.Fault.WRITE) != 0;
        PageWalk walk = walk(linear, write, vcpu.privilegeLevel() == 3);
        if (walk instanceof PageWalk.Fault fault) {
            counters.guestFaults++;
            vcpu.setCr2((int) linear);
            return new ShadowFault.Guest(fault);
        }
        PageWalk.Translation t = (PageWalk.Translation) walk;
        if (ShadowPageTables.inVmmRegion(linear)) {
            return new ShadowFault.Refused(String.format("the guest mapped linear 0x%08x, inside the VMM's region "
                    + "(0x%08x-0x%08x, reserved by the guest ABI), and used it", linear, hvlab.vmm.boot.BootLayout.VMM_REGION,
                    hvlab.vmm.boot.BootLayout.VMM_REGION + hvlab.vmm.boot.BootLayout.VMM_REGION_SIZE - 1));
        }
        long frame = t.physical() & ~0xFFFL;
        long page = linear & ~0xFFFL;
        boolean device = placement.isDevice(frame);
        if (!device && !ram.contains(frame, 4096)) {
            return new ShadowFault.Refused(String.format("the guest's page tables map linear 0x%08x to physical 0x%08x, "
                    + "which is not RAM (the VM has %d MiB) and no device's memory", linear, frame, ram.size() >> 20));
        }
        ShadowFault notNow = device ? placement.device(linear, page, frame) : placement.ram(linear, page, frame, t.user());
        if (notNow != null) {
            return notNow; // refused, or filled once the emulator's map has changed (FramePlacement.LATER)
        }
        int entry = ShadowEntry.of(t, linear, view() == ShadowPageTables.View.KERNEL, writeProtect());
        if (entry == 0) {
            return new ShadowFault.Refused(String.format("no shadow entry for linear 0x%08x that the guest's tables allow", linear));
        }
        ShadowPageTables.View view = view();
        if (shadows.entry(view, linear) == entry) {
            // The shadow already says so: the real TLB kept an older entry. Empty it; if that
            // does not help either, stop rather than fault forever.
            repeats = linear == lastFilled ? repeats + 1 : 1;
            if (repeats >= REPEAT_LIMIT) {
                return new ShadowFault.Refused(String.format("the shadow page fault at 0x%08x repeats after a TLB flush", linear));
            }
            flushNeeded = true;
        } else if (!shadows.install(view, linear, entry)) {
            counters.poolDrops++;
            dropAll();
            shadows.install(view, linear, entry);
            contexts.installed(view, linear);
        } else {
            contexts.installed(view, linear);
        }
        lastFilled = linear;
        shadowsBuiltFor = Integer.toUnsignedLong(vcpu.cr3()) & ~0xFFFL; // (a CR3 set with paging off had no load)
        counters.hiddenFaults++;
        return new ShadowFault.Filled();
    }

    /**
     * The emulator found nothing at all at linear address {@code linear} (no run of RAM, no alias
     * yet; see {@link CpuPaging}). With paging on, that is a page touched for the first time since
     * its frame went elsewhere, or ever: back it with the frames the guest's tables name, or with
     * nothing when they name none or the frame is shown elsewhere, so that the access goes on to
     * the page walk, which fills the shadow (moving the frame) or faults for the guest. Returns
     * false when the access is not the MMU's business (paging off, the VMM's own ranges).
     */
    public boolean onUnmappedAccess(long linear) {
        if (!vcpu.pagingEnabled()) {
            return false;
        }
        return placement.firstTouch((linear & 0xFFFFFFFFL) & ~0xFFFL);
    }

    /** The guest loaded CR3 (a new address space, or the same one to empty its TLB). */
    public void cr3Loaded() {
        counters.cr3Loads++;
        if (!vcpu.pagingEnabled()) {
            return; // no shadows while the guest does not page: nothing to forget
        }
        long cr3 = Integer.toUnsignedLong(vcpu.cr3()) & ~0xFFFL;
        // Kept entries are rechecked instead of faulted in again: 5% off usertests where the
        // emulator translates, far more where each refill changed its memory map (DESIGN 17, 18).
        boolean keepsContexts = placement.ramMoves() || placement.translated();
        if (keepsContexts) {
            contexts.leave(shadowsBuiltFor, shadows);
        }
        dropAll();
        if (keepsContexts) {
            restore(cr3);
        }
        shadowsBuiltFor = cr3;
        // The emulator's map stays: every page is checked against it again when its shadow
        // entry is filled. Only the placeholders, which pile up with address spaces, go.
        if ((!placement.ramMoves() && !placement.translated()) || real.placeholders() > PLACEHOLDER_LIMIT) {
            aliasChanges.dropPlaceholders(); // without moving RAM: every alias goes, as section 10 has it
        }
    }

    /** Puts back the shadow entries address space {@code cr3} had when the guest last left it ({@link ShadowContexts}). */
    private void restore(long cr3) {
        counters.keptEntries += contexts.restore(cr3, shadows, observer, ram, placement, writeProtect(), (vcpu.cr4() & VirtualCpu.CR4_PSE) != 0);
    }

    /** The guest ran INVLPG: its TLB forgets that page, and so does the shadow. */
    public void pageInvalidated(long linear) {
        counters.invalidations++;
        if (!vcpu.pagingEnabled()) {
            return;
        }
        long page = (linear & 0xFFFFFFFFL) & ~0xFFFL;
        shadows.drop(page); // the emulator's map may stay: the next fill checks it
        flushNeeded = true;
    }

    /** The VM was restored from a saved state: nothing in the shadows or the real TLB can be trusted. */
    public void reset() {
        dropAll();
        contexts.clear();
        shadowsBuiltFor = -1;
        aliasChanges.identity();
        loadedRoot = -2; // neither off nor a root: the next sync sets the real CPU either way
    }

    private void dropAll() {
        shadows.dropAll();
        contexts.emptied();
        flushNeeded = true;
        lastFilled = -1;
    }

    /**
     * Before the guest runs again: makes the real paging registers match the guest's virtual
     * state (paging on or off, the view of its privilege level) and empties the real TLB if a
     * shadow entry was taken away. Cheap when nothing changed.
     *
     * <p>Only with the CPU stopped: Unicorn 2.0.1 stores a CR0 or CR3 written from outside
     * without emptying its TLB, so the only way to make it forget is to change its memory map
     * (see {@link CpuPaging}), which must not happen inside a trap. A trap that leaves the real
     * CPU behind ({@link #realCpuBehind}) therefore ends the run, and the VM calls this before
     * the next one.
     */
    public void sync() {
        if (enterKernelView()) {
            return; // an interrupt delivered from outside took the guest into its kernel: no flush needed
        }
        upkeep.beforeChanges();
        boolean aliasesChanged = aliasChanges.pending();
        aliasChanges.apply(real, vcpu.pagingEnabled(), shadows::drop);
        aliasesChanged |= upkeep.afterChanges(this::dropAll);
        if (!vcpu.pagingEnabled()) {
            if (loadedRoot != -1) {
                real.disable();
                loadedRoot = -1;
            }
            return;
        }
        if (aliasesChanged) {
            flushNeeded = true;
        }
        int controls = (vcpu.cr0() & VirtualCpu.CR0_WP) | (vcpu.cr4() & (VirtualCpu.CR4_PSE | VirtualCpu.CR4_PGE));
        if (controls != builtUnder || loadedRoot < 0) {
            builtUnder = controls; // WP and PSE change what the shadow entries say: build them again
            dropAll();
        }
        long root = ShadowPageTables.root(view());
        if (root != loadedRoot || flushNeeded) {
            if (root != loadedRoot && loadedRoot >= 0) {
                counters.viewSwitches++;
            }
            real.load(root);
            loadedRoot = root;
            flushNeeded = false;
            counters.tlbFlushes++;
        }
    }

    /**
     * Inside a trap: the guest went from its user code into its kernel (a system call, an
     * interrupt), and nothing else changed. The kernel view maps everything the user view maps,
     * with the same rights or more, so the user view's entries still in the real TLB grant nothing
     * the kernel may not do: the real CR3 can move to the kernel's root without emptying the TLB,
     * and without stopping the CPU. (The way back is different: the kernel's entries would let
     * user code into kernel pages, so returning to user code empties the TLB in {@link #sync}.)
     * Returns true if it did the switch.
     */
    public boolean enterKernelView() {
        return enterKernelViewNow();
    }

    /**
     * Drops the CPU's translated code at the guest's linear address {@code linear}: finds its
     * frame in the guest's tables (leaving no trace) and removes the code where the emulator shows
     * that frame now. A hook added after the code was translated (a VMI breakpoint) reaches it only
     * then. Nothing to do where the guest maps nothing. Only while the CPU is stopped.
     */
    public void dropTranslationsAt(long linear, java.util.function.LongConsumer dropAtPhysical) {
        if (!vcpu.pagingEnabled()) {
            dropAtPhysical.accept(linear);
            return;
        }
        PageWalk walk = observer.translate(Integer.toUnsignedLong(vcpu.cr3()), linear, false, false, false, (vcpu.cr4() & VirtualCpu.CR4_PSE) != 0);
        if (walk instanceof PageWalk.Translation t && ram.contains(t.physical(), 1)) {
            real.dropCode(t.physical(), 1);
        }
    }

    /**
     * The VMM wrote guest RAM [{@code physical}, + {@code length}) (an emulated string
     * instruction, an intervention): the emulator's translations of that code must go, wherever
     * the frames are shown. Inside a trap this waits for the CPU to stop ({@link #realCpuBehind});
     * QEMU only notices stores it made itself.
     */
    public void codeWritten(long physical, long length) {
        if (!codeFrames.anyIn(physical, length)) {
            return; // a stack or a buffer: the emulator has no code from there to drop
        }
        codeFrames.dropped(physical, length);
        aliasChanges.codeWritten(physical, length);
    }

    /** As {@link #codeWritten}, with the CPU stopped: done now. */
    public void dropCodeNow(long physical, long length) {
        codeFrames.dropped(physical, length);
        real.dropCode(physical, length);
    }

    /**
     * The emulator translated a block of guest code at linear {@code [linear, + length)}: its
     * frames may hold code from now on (see {@link CodeFrames}). Walks the guest's tables
     * without leaving a trace; a page the tables do not map holds nothing of the guest's.
     */
    public void codeTranslated(long linear, int length) {
        for (long page = linear & ~0xFFFL; page < linear + length; page += 4096) {
            long from = Math.max(page, linear), to = Math.min(page + 4096, linear + length);
            if (!vcpu.pagingEnabled()) {
                codeFrames.translated(from, to - from);
                continue;
            }
            PageWalk walk = observer.translate(Integer.toUnsignedLong(vcpu.cr3()), from & 0xFFFFFFFFL, false, false, false,
                    (vcpu.cr4() & VirtualCpu.CR4_PSE) != 0);
            if (walk instanceof PageWalk.Translation t) {
                codeFrames.translated(t.physical(), to - from);
                if (placement.ramMoves()) { // (section 10's aliases all go at each CR3 load instead)
                    for (long alias : real.aliasesOf(t.physical() & ~0xFFFL)) {
                        aliasChanges.unalias(alias); // code now: one place only, from the next stop
                    }
                }
            }
        }
    }

    /** How many guest frames the emulator may hold translated code for. */
    public int codeFrameCount() {
        return codeFrames.count();
    }

    private boolean enterKernelViewNow() {
        long kernel = ShadowPageTables.root(ShadowPageTables.View.KERNEL);
        if (!vcpu.pagingEnabled() || loadedRoot != ShadowPageTables.root(ShadowPageTables.View.USER) || view() != ShadowPageTables.View.KERNEL
                || flushNeeded || aliasChanges.pending() || !controlsUnchanged()) {
            return false;
        }
        real.switchRoot(kernel);
        loadedRoot = kernel;
        counters.viewSwitches++;
        return true;
    }

    private boolean controlsUnchanged() {
        return ((vcpu.cr0() & VirtualCpu.CR0_WP) | (vcpu.cr4() & (VirtualCpu.CR4_PSE | VirtualCpu.CR4_PGE))) == builtUnder;
    }

    /**
     * Is the real CPU's paging out of step with the guest's (paging turned on or off, another
     * view, a shadow entry taken away)? Then the CPU must stop so that {@link #sync} can run.
     */
    public boolean realCpuBehind() {
        if (aliasChanges.pending() || upkeep.tooManyAliases()) {
            return true;
        }
        if (!vcpu.pagingEnabled()) {
            return loadedRoot != -1;
        }
        return loadedRoot < 0 || flushNeeded || ShadowPageTables.root(view()) != loadedRoot;
    }

    /**
     * The physical address of the guest's linear address, for the VMM's own accesses on the
     * guest's behalf (an emulated instruction's operand, an interrupt frame, a descriptor): the
     * guest's tables decide, and set their accessed and dirty flags, as the processor's walk
     * would. A refusal is the guest's #PF, with CR2 set.
     *
     * @param user an access by the guest's user code; the processor's own accesses (descriptor
     *             tables, the TSS, an interrupt frame) are supervisor accesses
     */
    public long physical(long linear, boolean write, boolean user) {
        if (!vcpu.pagingEnabled()) {
            return linear;
        }
        PageWalk walk = walk(linear, write, user);
        if (walk instanceof PageWalk.Fault fault) {
            vcpu.setCr2((int) linear);
            throw new GuestFault.Exception(14, fault.errorCode(), String.format("page fault at 0x%08x: %s", linear, fault.reason()));
        }
        return ((PageWalk.Translation) walk).physical();
    }

    /**
     * Up to {@code length} bytes of guest code from {@code linear}, as a supervisor would fetch
     * them, stopping at the first page the guest's tables do not map (or that is not RAM). Leaves
     * no trace: no accessed flags, no CR2. With paging off, linear is physical.
     */
    public byte[] fetch(long linear, int length) {
        if (vcpu.pagingEnabled()) {
            return new GuestVirtualMemory(observer, Integer.toUnsignedLong(vcpu.cr3()), (vcpu.cr4() & VirtualCpu.CR4_PSE) != 0)
                    .readAvailable(linear, length);
        }
        long available = Math.max(0, Math.min(length, ram.size() - linear));
        return linear < 0 || available == 0 ? new byte[0] : ram.readBytes(linear, (int) available);
    }

    /** The guest's tables as the processor would walk them now. */
    private PageWalk walk(long linear, boolean write, boolean user) {
        return guestTables.translate(Integer.toUnsignedLong(vcpu.cr3()), linear & 0xFFFFFFFFL, write, user, writeProtect(),
                (vcpu.cr4() & VirtualCpu.CR4_PSE) != 0);
    }

    private boolean writeProtect() {
        return (vcpu.cr0() & VirtualCpu.CR0_WP) != 0;
    }
}
