package hvlab.vmm.paging;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.vmm.boot.BootLayout;

import java.util.HashMap;
import java.util.Map;

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
    /** Linear page to the guest frame aliased there, or -1 for {@link #nothing}. */
    private final Map<Long, Long> aliases = new HashMap<>();
    /** Linear page to the device page (physical) aliased there: device memory, which traps. */
    private final Map<Long, Long> deviceAliases = new HashMap<>();
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
        dropAliases();
        emptyTlb(); // translations made with paging on must not outlive it
    }

    @Override
    public void withPagingOff(Runnable work) {
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
            emptyTlb(); // entries made with paging off map linear = physical: they must go
        }
    }

    private void emptyTlb() {
        cpu.map(SCRATCH, scratch, Protection.READ_ONLY);
        cpu.unmap(SCRATCH, PAGE);
        flushes++;
    }

    /** Is the linear page above RAM backed by this frame ({@code -1}: by nothing) now? */
    @Override
    public boolean aliased(long linearPage, long frame) {
        Long now = aliases.get(linearPage);
        return now != null && now == frame;
    }

    /**
     * Backs the linear page {@code linearPage} (above RAM) with guest frame {@code frame}, or with
     * nothing ({@code frame} = -1). Safe inside the emulator's unmapped-memory hook for a page that
     * has no mapping yet; replacing one needs the CPU stopped.
     */
    @Override
    public void alias(long linearPage, long frame) {
        dropAlias(linearPage);
        if (frame < 0) {
            cpu.map(linearPage, nothing, Protection.ALL);
        } else {
            cpu.map(linearPage, ram, frame, PAGE, Protection.ALL);
        }
        aliases.put(linearPage, frame);
    }

    @Override
    public boolean aliasedDevice(long linearPage, long frame) {
        Long now = deviceAliases.get(linearPage);
        return now != null && now == frame;
    }

    /** As {@link #alias}, for a device's page: the emulator's traps name {@code frame}, the device's own address. */
    @Override
    public void aliasDevice(long linearPage, long frame) {
        dropAlias(linearPage);
        cpu.mapDevice(linearPage, PAGE, frame);
        deviceAliases.put(linearPage, frame);
    }

    @Override
    public void dropAlias(long linearPage) {
        if (aliases.remove(linearPage) != null || deviceAliases.remove(linearPage) != null) {
            cpu.unmap(linearPage, PAGE);
        }
    }

    @Override
    public void dropAliases() {
        for (long page : aliases.keySet()) {
            cpu.unmap(page, PAGE);
        }
        for (long page : deviceAliases.keySet()) {
            cpu.unmap(page, PAGE);
        }
        aliases.clear();
        deviceAliases.clear();
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
