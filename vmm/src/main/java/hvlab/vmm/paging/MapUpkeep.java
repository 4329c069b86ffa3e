package hvlab.vmm.paging;

/**
 * Keeps the emulator's memory map small (DESIGN.md section 17, "RAM blocks"). Every run of RAM,
 * every alias and every placeholder the shadow MMU maps is one of QEMU's RAM blocks, and QEMU
 * finds room for a new block by comparing every block with every other ({@code find_ram_offset}):
 * with n blocks each map costs n squared, measured at 3 ns x n squared with a few hundred blocks
 * and 20 ns x n squared with two thousand. So, between runs, with the CPU stopped:
 * <ol>
 *   <li>past {@link #ALIAS_LIMIT} alias runs, every alias goes (they come back as they are touched);</li>
 *   <li>every {@link #COALESCE_STEP} runs more, the pieces that continue one another are joined;</li>
 *   <li>past {@link #RUN_LIMIT} runs and placeholders, RAM goes back to its own addresses.</li>
 * </ol>
 */
final class MapUpkeep {
    /**
     * Most alias runs (user pages of data shown as second mappings, see {@link FramePlacement})
     * before they all go. A process that touches more scattered pages than this in one go
     * (usertests' memory test) makes them again as it touches them.
     */
    static final int ALIAS_LIMIT = 256;

    /**
     * Runs the map may gain before the pieces that continue one another are joined again
     * ({@link RealPaging#coalesce}): a frame that moves away and back leaves its run in three.
     */
    static final int COALESCE_STEP = 32;

    /**
     * Most runs of RAM (and placeholder pages) before RAM is put back as at power-on and every
     * shadow entry dropped, as after a restore: frames move again, in runs, as the guest touches
     * them. A burst of shadow faults that bounds the cost of every move after it.
     */
    static final int RUN_LIMIT = 512;

    private final RealPaging real;
    private final AliasChanges aliasChanges;
    private final PagingCounters counters;
    /** {@link #ALIAS_LIMIT}, smaller in tests. */
    private int aliasLimit = ALIAS_LIMIT;
    /** How many runs the map had after the last {@link RealPaging#coalesce}. */
    private int coalescedAt;

    MapUpkeep(RealPaging real, AliasChanges aliasChanges, PagingCounters counters) {
        this.real = real;
        this.aliasChanges = aliasChanges;
        this.counters = counters;
    }

    void limitAliases(int limit) {
        this.aliasLimit = limit;
    }

    /** Must the CPU stop so that {@link #beforeChanges} can take the aliases away? */
    boolean tooManyAliases() {
        return real.aliasCount() > aliasLimit;
    }

    /** Before the waiting map changes are applied: too many aliases are queued to go with them. */
    void beforeChanges() {
        if (tooManyAliases()) {
            aliasChanges.dropAliases();
            counters.aliasDrops++;
        }
    }

    /**
     * After them: joins runs, or puts RAM back at its own addresses ({@code backToIdentity}, which
     * must drop every shadow entry too). True if the map changed, so that the real TLB is emptied.
     */
    boolean afterChanges(Runnable backToIdentity) {
        boolean changed = false;
        if (real.runCount() > coalescedAt + COALESCE_STEP) {
            real.coalesce();
            coalescedAt = real.runCount();
            counters.coalesces++;
            changed = true;
        }
        if (real.runCount() + real.placeholders() > RUN_LIMIT) {
            backToIdentity.run();
            real.identity();
            counters.compactions++;
            changed = true;
        }
        return changed;
    }
}
