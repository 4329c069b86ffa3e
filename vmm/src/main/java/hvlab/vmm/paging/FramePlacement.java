package hvlab.vmm.paging;

import hvlab.vmm.VirtualCpu;
import hvlab.vmm.memory.GuestRam;

import java.util.function.LongPredicate;

/**
 * Where the emulator must show each frame the guest's tables name, decided page by page for the
 * {@link ShadowMmu} (DESIGN.md section 17, "RAM that moves"). Unicorn 2.0.1 translates linear =
 * physical, so a guest page at linear L that maps frame F works only where the emulator's memory
 * map shows F at L: this class keeps that true, with {@link CpuPaging} doing the mapping and
 * {@link FrameRuns} the bookkeeping (one place per frame).
 *
 * <ul>
 *   <li>A device frame (the APICs) is never RAM: at its own address nothing is needed, above RAM
 *       it is a device alias, elsewhere it is refused.</li>
 *   <li>A RAM frame is shown where the guest uses it: on the first touch of a page with nothing
 *       mapped, as a run of the frames the guest maps around it (xv6's KERNBASE + pa in 4 MiB
 *       pieces); on a shadow fill whose page shows another frame, by moving it, with the frames
 *       around it that are not in use where they are (the move waits for the CPU to stop).</li>
 *   <li>Pages where the VMM keeps its own memory (the shadow pool, the hole, the VMM region) and
 *       a device's own addresses never show RAM.</li>
 * </ul>
 */
final class FramePlacement {
    private final VirtualCpu vcpu;
    private final GuestRam ram;
    private final GuestPageTables observer;
    private final ShadowPageTables shadows;
    private final RealPaging real;
    private final AliasChanges aliasChanges;
    private final PagingCounters counters;
    /** Is a physical address device memory (the platform's MMIO bus claims it)? None until told. */
    private LongPredicate deviceFrames = frame -> false;
    /** May the emulator hold translated code from this frame ({@link CodeFrames})? Such a frame has one place only. */
    private LongPredicate holdsCode = frame -> true;
    /** RAM moves (xv6's machine) or stays at its own addresses with aliases above it (section 10). */
    private boolean ramMoves;
    /** The emulator's page walk honours the frame (Unicorn 2.1): every frame is reachable from every page. */
    private boolean translated;

    FramePlacement(VirtualCpu vcpu, GuestRam ram, GuestPageTables observer, ShadowPageTables shadows, RealPaging real,
                   AliasChanges aliasChanges, PagingCounters counters) {
        this.vcpu = vcpu;
        this.ram = ram;
        this.observer = observer;
        this.shadows = shadows;
        this.real = real;
        this.aliasChanges = aliasChanges;
        this.counters = counters;
    }

    void setHoldsCode(LongPredicate holdsCode) {
        this.holdsCode = holdsCode;
    }

    void setDeviceFrames(LongPredicate claims) {
        this.deviceFrames = claims;
    }

    /**
     * Turns "RAM that moves" on (DESIGN.md section 17). Off, a page below the top of RAM may only
     * map itself and a page above RAM is a second mapping of its frame, dropped at each CR3 load
     * (section 10's scheme, which hvos runs on).
     */
    void setRamMoves(boolean on) {
        this.ramMoves = on;
    }

    boolean ramMoves() {
        return ramMoves;
    }

    /**
     * The emulator translates (DESIGN.md section 18): its page walk takes the frame from the
     * shadow entry, as a processor does, so no frame ever has to be shown anywhere. RAM stays at
     * its own addresses, and a shadow entry simply names the guest's frame. This is the classic
     * design; moving RAM and aliases exist only because Unicorn 2.0.1's walk ignores the frame.
     */
    void setTranslated(boolean on) {
        this.translated = on;
    }

    boolean translated() {
        return translated;
    }

    /** Does the emulator reach {@code frame} at linear page {@code page} (the shadow entry being there)? */
    boolean shows(long page, long frame) {
        return translated || real.frameAt(page) == frame;
    }

    boolean isDevice(long frame) {
        return deviceFrames.test(frame);
    }

    /**
     * A linear page the guest maps to device memory (xv6's DEVSPACE: the APICs, writable, PCD and
     * PWT, which mean nothing to an emulator and are dropped). The shadow entry is made as for RAM
     * (read-only until the first store sets the guest's dirty flag), but the frame is never
     * treated as RAM: no RAM alias, no dirty tracking, no snapshot copy (it is not in guest RAM),
     * and the VMM's own reads of it through the guest's tables end the VM as outside RAM.
     * <ul>
     *   <li>Linear = physical (xv6): the device's pages are in the emulator's map at that address
     *       since power-on, so the shadow entry is all it takes. Mapping RAM there would fail.</li>
     *   <li>Elsewhere above RAM: an alias of the device ({@code CpuBackend.mapDevice} with the
     *       device's address), so its traps still name the physical register the guest meant.</li>
     *   <li>Below the top of RAM: refused. A kernel has no reason to put a device's registers
     *       where its RAM is, and keeping them out keeps RAM's runs whole.</li>
     * </ul>
     * Returns the refusal, {@link #LATER}, or null to go on and install the entry.
     */
    ShadowFault device(long linear, long page, long frame) {
        if (page == frame || (translated && !reserved(page))) {
            return null;
        }
        if (page < ram.size() || reserved(page)) {
            return new ShadowFault.Refused(String.format("the guest maps linear 0x%08x to device frame 0x%08x: this VMM maps "
                    + "device memory at its own address or above RAM, outside the shadow pool and the hole", linear, frame));
        }
        if (!real.aliasedDevice(page, frame)) {
            aliasChanges.makeDevice(page, frame);
            return LATER;
        }
        return null;
    }

    /**
     * The answer when the emulator's map must change first: no shadow entry yet. The CPU stops,
     * the map changes, the instruction runs again and faults again, and that fill installs the
     * entry. An entry installed now would let the access through to whatever the map shows at
     * the page until the CPU stops, if the emulator ran one more access before stopping.
     */
    static final ShadowFault LATER = new ShadowFault.Filled();

    /**
     * A linear page the guest maps to a RAM frame. The emulator's memory map must show the frame
     * at that page (Unicorn 2.0.1 translates linear = physical); if it shows something else, the
     * frame moves there when the CPU stops ({@link CpuPaging}, one place per frame) and the
     * answer is {@link #LATER}. A page where the VMM or a device sits is refused.
     *
     * <p>A user page of data is the exception ({@link #showsAsAlias}): the frame stays where it is
     * and the page becomes a second mapping of it, made at once when nothing is mapped there.
     *
     * @param user the guest's tables let user code reach the page
     */
    ShadowFault ram(long linear, long page, long frame, boolean user) {
        if (reserved(page) || deviceFrames.test(page)) {
            return new ShadowFault.Refused(String.format("the guest maps linear 0x%08x to RAM frame 0x%08x, over the shadow "
                    + "pool, the hole or a device's own address, where this VMM cannot show RAM", linear, frame));
        }
        if (translated) {
            return null; // the shadow entry names the frame, and the emulator's walk goes there
        }
        if (!ramMoves) {
            if (page < ram.size() && page != frame) {
                return new ShadowFault.Refused(String.format("the guest maps linear 0x%08x to frame 0x%08x: below the top of RAM "
                        + "this VMM can only map a page to itself on a machine without APICs, because its emulator (Unicorn "
                        + "2.0.1) ignores the frame a page table names there; map other pages above 0x%08x", linear, frame, ram.size()));
            }
            if (page >= ram.size() && real.frameAt(page) != frame) {
                aliasChanges.alias(page, frame);
                return LATER;
            }
            return null;
        }
        if (real.frameAt(page) != frame && showsAsAlias(user, frame)) {
            counters.userAliases++;
            if (real.empty(page)) {
                aliasRun(page, frame); // maps only: nothing was there
                return null;
            }
            aliasChanges.alias(page, frame);
            return LATER;
        }
        if (real.frameAt(page) != frame) {
            long from = real.linearOf(frame);
            long layout = from < 0 ? Long.MIN_VALUE : from - frame; // where the group it moves with sits now
            long[] run = around(page, frame, (p, f) -> movable(p, f, layout));
            aliasChanges.move(run[0], frame - (page - run[0]), (run[1] - run[0]) / 4096 + 1);
            counters.moves++;
            return LATER;
        }
        return null;
    }

    /**
     * Is a user page of {@code frame} shown as a second mapping rather than by moving the frame?
     * Where RAM moves, for a frame the emulator holds no code from: the kernel's map of all RAM
     * (xv6's KERNBASE + pa) stays whole however many user pages a process grows, so the number of
     * QEMU's RAM blocks stays bounded ({@link MapUpkeep#ALIAS_LIMIT}). When code is translated
     * from an aliased frame, its aliases go ({@link ShadowMmu#codeTranslated}) and it moves as
     * before: code keeps one place ({@link FrameAliases} says why).
     */
    private boolean showsAsAlias(boolean user, long frame) {
        return ramMoves && user && !holdsCode.test(frame);
    }

    /**
     * Shows {@code frame} at the empty user page {@code page} as a second mapping and, in the same
     * mapping, the pages around it (inside its 4 MiB of linear space) that the guest maps to the
     * frames around it as user data and where nothing is shown yet: a process's heap, laid out
     * in RAM as the kernel allocated it, becomes a few mappings instead of one per page. Maps
     * only, which is safe inside a trap and inside the emulator's hook.
     */
    private void aliasRun(long page, long frame) {
        long[] run = around(page, frame, this::userData);
        long first = run[0], last = run[1];
        while (last + 4096 < (page & ~0x3FFFFFL) + (4L << 20) && notMappedYet(last + 4096, frame + (last - page) + 4096)) {
            last += 4096;
        }
        real.alias(first, frame - (page - first), (last - first) / 4096 + 1, vacated -> { });
    }

    /**
     * Ahead of a heap: is linear {@code page} empty, unmapped in the guest's tables, and {@code
     * frame} RAM without code? Then the alias run may show it there already. Nothing can reach it
     * (no shadow entry without a mapping); if the guest later maps the page to that frame, as a
     * kernel handing out frames in order does when a heap grows (xv6's {@code sbrk}), the page
     * needs no new emulator mapping. If it maps another frame, the run goes as any alias would.
     */
    private boolean notMappedYet(long page, long frame) {
        if (frame < 0 || !ram.contains(frame, 4096) || holdsCode.test(frame) || reserved(page) || deviceFrames.test(page)
                || !real.empty(page)) {
            return false;
        }
        return observer.translate(Integer.toUnsignedLong(vcpu.cr3()), page, false, false, false, largePages()) instanceof PageWalk.Fault;
    }

    /** Is linear {@code page} empty, and a user page of data the guest's tables map to RAM frame {@code frame}? */
    private boolean userData(long page, long frame) {
        if (frame < 0 || !ram.contains(frame, 4096) || holdsCode.test(frame) || reserved(page) || deviceFrames.test(page)
                || !real.empty(page)) {
            return false;
        }
        PageWalk walk = observer.translate(Integer.toUnsignedLong(vcpu.cr3()), page, false, false, false, largePages());
        return walk instanceof PageWalk.Translation t && t.user() && (t.physical() & ~0xFFFL) == frame;
    }

    /**
     * May a move to {@code page} take {@code frame} along? When the guest maps it there, it is not
     * shown there yet, and it is shown nowhere, or where the guest's tables no longer map it, or
     * in the same layout as the frame that faulted ({@code layout}: linear minus frame where that
     * one is shown; RAM at its own address while xv6's entry code moves to KERNBASE + pa) and not
     * in use there since the last TLB flush. A frame in use elsewhere (a user page at its low
     * address, the code running now) stays: moving it too would only make it come back.
     */
    private boolean movable(long page, long frame, long layout) {
        if (frame < 0 || !ram.contains(frame, 4096) || reserved(page) || deviceFrames.test(page) || real.frameAt(page) == frame
                || !mapsTo(page, frame)) {
            return false;
        }
        long shownAt = real.linearOf(frame);
        return shownAt < 0 || (shownAt - frame == layout && !inUse(shownAt)) || !mapsTo(shownAt, frame);
    }

    /** Has the guest used the page since its shadows were last emptied (a shadow entry in either view)? */
    private boolean inUse(long page) {
        return shadows.entry(ShadowPageTables.View.KERNEL, page) != 0 || shadows.entry(ShadowPageTables.View.USER, page) != 0;
    }

    /** Do the guest's tables map linear {@code page} to {@code frame} now (walked without a trace)? */
    private boolean mapsTo(long page, long frame) {
        PageWalk walk = observer.translate(Integer.toUnsignedLong(vcpu.cr3()), page, false, false, false, largePages());
        return walk instanceof PageWalk.Translation t && (t.physical() & ~0xFFFL) == frame;
    }

    /** Linear pages where the emulator's map holds the VMM's own memory: never a guest page's. */
    private static boolean reserved(long page) {
        return ShadowPageTables.inPool(page) || ShadowPageTables.inVmmRegion(page) || page == CpuPaging.SCRATCH;
    }

    /**
     * Maps the frame at {@code page} and, in the same run, the pages around it (inside its 4 MiB
     * of linear space) that the guest maps to the frames around it and that nothing shows yet: a
     * kernel's map of all RAM at KERNBASE + pa (xv6, Linux) becomes a few dozen emulator mappings
     * instead of one per page, each found on the first touch of its 4 MiB. Only a layout the
     * guest's tables state now is used; the fill checks each page again before it is used.
     */
    private void showRun(long page, long frame) {
        long[] run = around(page, frame, this::sameLayout);
        real.show(run[0], frame - (page - run[0]), (run[1] - run[0]) / 4096 + 1);
    }

    /** A test of a linear page and the frame it would show in a run. */
    @FunctionalInterface
    private interface PageFits {
        boolean test(long page, long frame);
    }

    /**
     * The first and last linear page of the run around {@code page}, inside its 4 MiB of linear
     * space (one guest page table's worth), whose pages show the frames next to {@code frame} in
     * the same layout and all pass {@code fits}.
     */
    private static long[] around(long page, long frame, PageFits fits) {
        long chunk = page & ~0x3FFFFFL;
        long first = page;
        while (first > chunk && fits.test(first - 4096, frame - (page - first) - 4096)) {
            first -= 4096;
        }
        long last = page;
        while (last + 4096 < chunk + (4L << 20) && fits.test(last + 4096, frame + (last - page) + 4096)) {
            last += 4096;
        }
        return new long[] {first, last};
    }

    private boolean sameLayout(long page, long frame) {
        return frame >= 0 && ram.contains(frame, 4096) && !reserved(page) && !deviceFrames.test(page) && real.canShow(page, frame)
                && mapsTo(page, frame);
    }

    private boolean largePages() {
        return (vcpu.cr4() & VirtualCpu.CR4_PSE) != 0;
    }

    /**
     * The emulator had nothing at linear {@code page} (see {@link ShadowMmu#onUnmappedAccess}):
     * a run of frames, a device alias, or a placeholder so that the access reaches the page walk.
     * Maps only, which is safe inside the emulator's hook. False for the VMM's own pages.
     */
    boolean firstTouch(long page) {
        if (translated || reserved(page) || deviceFrames.test(page) || (!ramMoves && page < ram.size())) {
            return false;
        }
        PageWalk walk = observer.translate(Integer.toUnsignedLong(vcpu.cr3()), page, false, false, false, largePages());
        long mapped = walk instanceof PageWalk.Translation t ? t.physical() & ~0xFFFL : -1;
        boolean user = walk instanceof PageWalk.Translation t && t.user();
        if (mapped >= 0 && deviceFrames.test(mapped)) {
            real.aliasDevice(page, mapped, vacated -> { }); // nothing was mapped here: nothing to vacate
            counters.aliases++;
            return true;
        }
        if (mapped >= 0 && ram.contains(mapped, 4096) && (!ramMoves || showsAsAlias(user, mapped))) {
            if (ramMoves) {
                aliasRun(page, mapped);
                counters.userAliases++;
            } else {
                real.alias(page, mapped, 1, vacated -> { }); // section 10's scheme: a second mapping, RAM staying where it is
            }
        } else if (mapped >= 0 && ram.contains(mapped, 4096) && real.canShow(page, mapped)) {
            showRun(page, mapped);
        } else {
            real.showNothing(page); // the walk faults, or the fill moves the frame here with the CPU stopped
        }
        counters.aliases++;
        return true;
    }
}
