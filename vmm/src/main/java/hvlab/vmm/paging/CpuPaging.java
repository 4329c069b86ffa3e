package hvlab.vmm.paging;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.vmm.boot.BootLayout;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * {@link RealPaging} over the real CPU, Unicorn 2.0.1, whose MMU has two flaws this class works
 * around (both read in its source, qemu/target/i386/excp_helper.c and accel/tcg/cputlb.c):
 * <ol>
 *   <li>Its page walk checks rights and raises page faults, but then maps the linear address to
 *       the <em>same</em> physical address ("Unicorn: identity map guest virtual address"): the
 *       frame the tables name is ignored. So the emulator's physical address space is made to
 *       hold, at each linear page the guest uses above its RAM, an alias of the guest frame that
 *       page maps to ({@link #alias}): the memory map does the translation, the shadow tables
 *       the checking. Below the top of RAM a linear page can only be identity-mapped.</li>
 *   <li>Writing CR0 or CR3 from outside ({@code uc_reg_write}) stores the value without emptying
 *       the TLB; a change of the memory map does empty it ({@code memory_map_ptr} calls
 *       {@code tlb_flush}), so {@link #load} maps a scratch page and unmaps it again. Changing
 *       the memory map is only safe with the CPU stopped, which is why the MMU syncs between runs.</li>
 * </ol>
 */
public final class CpuPaging implements RealPaging, AutoCloseable {
    private static final int PG = 1 << 31;
    private static final int WP = 1 << 16;
    private static final long PAGE = 4096;
    /** The page mapped and unmapped to empty the TLB: the guest ABI's hole, just below the VMM region. */
    static final long SCRATCH = BootLayout.VMM_REGION - PAGE;

    private final CpuBackend cpu;
    private final GuestMemory ram;
    /** One page, mapped and unmapped again to make the emulator empty its TLB. */
    private final GuestMemory scratch = new GuestMemory(PAGE);
    /** Stands in at a linear page the guest does not map, so that the access reaches the page walk and faults there. */
    private final GuestMemory nothing = new GuestMemory(PAGE);
    /** Runs of 4 MiB for RAM at its own addresses. */
    private static final long CHUNK = 4L << 20;
    /** Where each guest frame is shown. */
    private final FrameRuns runs = new FrameRuns();
    /** Linear pages backed by {@link #nothing}. */
    private final Set<Long> placeholders = new HashSet<>();
    /** Linear page to the device page (physical) aliased there: device memory, which traps. */
    private final Map<Long, Long> deviceAliases = new HashMap<>();
    /** Second mappings of frames shown elsewhere (section 10's scheme above RAM; user pages of data where RAM moves). */
    private final FrameAliases aliases = new FrameAliases();
    /** Hears which frames lost their translated code. */
    private BiConsumer<Long, Long> codeDropped = (frame, length) -> { };
    private long moves;
    private long flushes;

    public CpuPaging(CpuBackend cpu, GuestMemory ram) {
        this.cpu = cpu;
        this.ram = ram;
    }

    @Override
    public void load(long root) {
        cpu.write(Register.CR3, (int) root);
        int cr0 = cpu.read(Register.CR0);
        if ((cr0 & (PG | WP)) != (PG | WP)) {
            cpu.write(Register.CR0, cr0 | PG | WP);
        }
        emptyTlb();
    }

    @Override
    public void switchRoot(long root) {
        cpu.write(Register.CR3, (int) root); // stored only: the TLB keeps what it has
    }

    @Override
    public void disable() {
        cpu.write(Register.CR0, cpu.read(Register.CR0) & ~(PG | WP));
        identity(); // linear is physical again: RAM back at its own addresses
        emptyTlb(); // translations made with paging on must not outlive it
    }

    private void emptyTlb() {
        cpu.map(SCRATCH, scratch, Protection.READ_ONLY);
        cpu.unmap(SCRATCH, PAGE);
        flushes++;
    }

    /**
     * The machine at power-on, and whenever the guest stops paging: RAM at its own addresses, in
     * runs of 4 MiB (so that a frame moving away later cuts one 4 MiB piece, not all of RAM).
     */
    @Override
    public void identity() {
        if (identityNow()) {
            return;
        }
        dropPlaceholders();
        apply(runs.clear());
        for (long at = 0; at < ram.size(); at += CHUNK) {
            apply(List.of(runs.add(new FrameRuns.Run(at, at, Math.min(CHUNK, ram.size() - at) / PAGE))));
        }
    }

    private boolean identityNow() {
        if (!placeholders.isEmpty() || !deviceAliases.isEmpty() || aliases.size() > 0 || runs.size() != (ram.size() + CHUNK - 1) / CHUNK) {
            return false;
        }
        for (FrameRuns.Run run : runs.runs()) {
            if (run.linear() != run.frame() || run.linear() % CHUNK != 0 || run.pages() * PAGE != Math.min(CHUNK, ram.size() - run.linear())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long frameAt(long linearPage) {
        long aliased = aliases.frameAt(linearPage);
        return aliased >= 0 ? aliased : runs.frameAt(linearPage);
    }

    @Override
    public long linearOf(long frame) {
        return runs.linearOf(frame);
    }

    @Override
    public boolean canShow(long linearPage, long frame) {
        return runs.free(linearPage, frame) && !placeholders.contains(linearPage) && !deviceAliases.containsKey(linearPage)
                && !aliases.contains(linearPage);
    }

    @Override
    public boolean empty(long linearPage) {
        return runs.atLinear(linearPage) == null && !placeholders.contains(linearPage) && !deviceAliases.containsKey(linearPage)
                && !aliases.contains(linearPage);
    }

    /** Maps only (safe inside the unmapped-memory hook): every page and frame must pass {@link #canShow}. */
    @Override
    public void show(long linear, long frame, long pages) {
        apply(List.of(runs.add(new FrameRuns.Run(linear, frame, pages))));
    }

    @Override
    public void move(long linear, long frame, long pages, LongConsumer vacated) {
        clearOtherMappings(linear, pages, vacated);
        apply(runs.move(linear, frame, pages, vacated));
        moves++;
    }

    @Override
    public void alias(long linear, long frame, long pages, LongConsumer vacated) {
        clearOtherMappings(linear, pages, vacated);
        apply(runs.cut(linear, pages, 0, 0, vacated));
        cpu.map(linear, ram, frame, pages * PAGE, Protection.ALL);
        aliases.put(new FrameRuns.Run(linear, frame, pages));
    }

    /** Takes placeholders, device aliases and aliases off linear pages [{@code linear}, + {@code pages}); runs are the caller's. */
    private void clearOtherMappings(long linear, long pages, LongConsumer vacated) {
        for (long page = linear; page < linear + pages * PAGE; page += PAGE) {
            dropPlaceholder(page);
            if (deviceAliases.remove(page) != null) {
                cpu.unmap(page, PAGE);
            }
            unalias(page, vacated);
        }
    }

    @Override
    public List<Long> aliasesOf(long frame) {
        return aliases.pagesOf(frame);
    }

    /** Takes the whole alias run holding {@code linearPage} away, its translated code first (a new mapping may get its RAM addresses). */
    @Override
    public void unalias(long linearPage, LongConsumer vacated) {
        FrameRuns.Run run = aliases.runAt(linearPage);
        if (run == null) {
            return;
        }
        withCodeRemoval(() -> cpu.invalidateTranslations(run.linear(), run.pages() * PAGE));
        aliases.remove(run);
        cpu.unmap(run.linear(), run.pages() * PAGE);
        vacateAll(run, vacated);
    }

    @Override
    public void dropAliases(LongConsumer vacated) {
        if (aliases.size() == 0) {
            return;
        }
        List<FrameRuns.Run> all = aliases.clear();
        withCodeRemoval(() -> all.forEach(run -> cpu.invalidateTranslations(run.linear(), run.pages() * PAGE)));
        for (FrameRuns.Run run : all) {
            cpu.unmap(run.linear(), run.pages() * PAGE);
            vacateAll(run, vacated);
        }
    }

    private static void vacateAll(FrameRuns.Run run, LongConsumer vacated) {
        for (long page = run.linear(); page < run.linearEnd(); page += PAGE) {
            vacated.accept(page);
        }
    }

    @Override
    public int aliasCount() {
        return aliases.size();
    }

    @Override
    public void onCodeDropped(BiConsumer<Long, Long> listener) {
        this.codeDropped = listener;
    }

    /** Stands in at a linear page the guest does not map (or whose frame is shown elsewhere): maps only. */
    @Override
    public void showNothing(long linearPage) {
        cpu.map(linearPage, nothing, Protection.ALL);
        placeholders.add(linearPage);
    }

    @Override
    public boolean aliasedDevice(long linearPage, long frame) {
        Long now = deviceAliases.get(linearPage);
        return now != null && now == frame;
    }

    /** A device's page at another linear address: the emulator's traps name {@code frame}, the device's own address. */
    @Override
    public void aliasDevice(long linearPage, long frame, LongConsumer vacated) {
        clearOtherMappings(linearPage, 1, vacated);
        apply(runs.cut(linearPage, 1, 0, 0, vacated));
        cpu.mapDevice(linearPage, PAGE, frame);
        deviceAliases.put(linearPage, frame);
    }

    @Override
    public void dropPlaceholders() {
        for (long page : placeholders) {
            cpu.unmap(page, PAGE);
        }
        placeholders.clear();
        for (long page : deviceAliases.keySet()) {
            cpu.unmap(page, PAGE);
        }
        deviceAliases.clear();
        dropAliases(page -> { });
    }

    @Override
    public int placeholders() {
        return placeholders.size() + deviceAliases.size();
    }

    @Override
    public void coalesce() {
        apply(runs.coalesce());
    }

    @Override
    public int runCount() {
        return runs.size();
    }

    private void dropPlaceholder(long linearPage) {
        if (placeholders.remove(linearPage)) {
            cpu.unmap(linearPage, PAGE);
        }
    }

    /**
     * Removes the translated code of frames [{@code frame}, + {@code length}) where they are shown
     * now (the VMM wrote them). Only with the CPU stopped.
     */
    @Override
    public void dropCode(long frame, long length) {
        withCodeRemoval(() -> {
            for (long at = frame & ~(PAGE - 1); at < frame + length; at += PAGE) {
                long linear = runs.linearOf(at);
                if (linear >= 0) {
                    cpu.invalidateTranslations(linear, PAGE);
                }
                for (long page : aliases.pagesOf(at)) {
                    cpu.invalidateTranslations(page, PAGE);
                }
            }
        });
        codeDropped.accept(frame, length);
    }

    /** Carries out the steps: a run's code is removed before the run is unmapped (see {@link FrameRuns}). */
    private void apply(List<FrameRuns.Step> steps) {
        for (FrameRuns.Step step : steps) {
            switch (step) {
                case FrameRuns.Step.Unmap unmap -> {
                    FrameRuns.Run run = unmap.run();
                    withCodeRemoval(() -> cpu.invalidateTranslations(run.linear(), run.pages() * PAGE));
                    codeDropped.accept(run.frame(), run.pages() * PAGE);
                    cpu.unmap(run.linear(), run.pages() * PAGE);
                }
                case FrameRuns.Step.Map map -> cpu.map(map.run().linear(), ram, map.run().frame(), map.run().pages() * PAGE, Protection.ALL);
            }
        }
    }

    /**
     * Runs {@code work} (removals of translated code by address) with real paging off: Unicorn
     * 2.0.1 takes the address as linear and, with paging on, walks the page tables for it, where a
     * page may not be mapped (the user view), raising a #PF it swallows (section 10). With paging
     * off, linear = physical = the run's own mapping, whose RAM block files the code.
     */
    private void withCodeRemoval(Runnable work) {
        int cr0 = cpu.read(Register.CR0);
        if ((cr0 & PG) == 0) {
            work.run();
            return;
        }
        cpu.write(Register.CR0, cr0 & ~(PG | WP));
        try {
            work.run();
        } finally {
            cpu.write(Register.CR0, cr0);
            emptyTlb();
        }
    }

    /** Runs in the emulator's map now, and frames moved since the VM started. */
    public int runs() {
        return runs.size();
    }

    public long moves() {
        return moves;
    }

    /** Times the real TLB was emptied. */
    public long flushes() {
        return flushes;
    }

    @Override
    public void close() {
        scratch.close();
        nothing.close();
    }
}
