package hvlab.vmm.paging;

/**
 * The real CPU's paging controls, which only the {@link ShadowMmu} drives: the guest's CR0, CR3
 * and CR4 are virtual, these are what the emulator's MMU obeys. All of it only while the CPU is
 * stopped, but for {@link #alias} of a page that had nothing (see {@link CpuPaging}).
 */
public interface RealPaging {

    /**
     * Turns real paging on (if it is off) with {@code root} in the real CR3, and empties the real
     * TLB, even when the root is the one it held: that is how the VMM makes the CPU forget a
     * shadow entry it took away.
     */
    void load(long root);

    /**
     * Points the real CR3 at {@code root} without emptying the TLB: allowed inside a trap. Only
     * for a change whose stale TLB entries grant nothing the new root does not (see
     * {@link ShadowMmu#enterKernelView}).
     */
    void switchRoot(long root);

    /** Turns real paging off: linear addresses are physical again. */
    void disable();

    /**
     * Runs {@code work} with real paging off for a moment (linear = physical, aliases kept), then
     * puts CR0 back and empties the TLB, so that nothing the CPU learned meanwhile outlives it.
     * For the VMM dropping translated code by physical address: Unicorn takes such ranges as
     * linear and walks the page tables it has, where a kernel page may not be mapped (the user
     * view). Only while the CPU is stopped.
     */
    void withPagingOff(Runnable work);

    /** Is the linear page (above RAM) backed by guest frame {@code frame} (or by nothing, -1)? */
    boolean aliased(long linearPage, long frame);

    /** Backs the linear page (above RAM) with guest frame {@code frame}, or with nothing (-1). */
    void alias(long linearPage, long frame);

    /** Is the linear page (above RAM) an alias of the device page at physical {@code frame} now? */
    boolean aliasedDevice(long linearPage, long frame);

    /**
     * Makes the linear page (above RAM) an alias of the device page at physical {@code frame}:
     * accesses trap to the device with the device's own address. Dropped as RAM aliases are.
     */
    void aliasDevice(long linearPage, long frame);

    void dropAlias(long linearPage);

    void dropAliases();
}
