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

    /** Back to the machine at power-on: RAM at its own addresses, nothing else of the MMU's mapped. */
    void identity();

    /** The guest frame linear page {@code linearPage} shows now, or -1. */
    long frameAt(long linearPage);

    /** The linear page guest frame {@code frame} is shown at now, or -1. */
    long linearOf(long frame);

    /** Nothing is mapped at the linear page and the frame is shown nowhere: {@link #show} may use them. */
    boolean canShow(long linearPage, long frame);

    /**
     * Shows frames [{@code frame}, + {@code pages}) at [{@code linear}, + {@code pages}); each page
     * and frame must pass {@link #canShow}. Maps only: safe inside the unmapped-memory hook.
     */
    void show(long linear, long frame, long pages);

    /**
     * Makes linear pages [{@code linear}, + {@code pages}) show frames [{@code frame}, + {@code
     * pages}), taking the frames from where they are shown and whatever the pages showed away;
     * tells {@code vacated} each linear page that stopped showing its frame. Only with the CPU
     * stopped.
     */
    void move(long linear, long frame, long pages, java.util.function.LongConsumer vacated);

    /**
     * Second mappings of frames [{@code frame}, + {@code pages}) at [{@code linear}, + {@code
     * pages}), the frames staying where they are shown: section 10's scheme on machines where RAM
     * does not move (pages above RAM), and user pages of data where it moves (see {@link
     * FramePlacement}). One emulator mapping, taken away whole. Whatever the pages showed goes,
     * its translated code first; {@code vacated} hears of each page that showed something. Maps
     * only when every page had nothing ({@link #empty}); else only with the CPU stopped.
     */
    void alias(long linear, long frame, long pages, java.util.function.LongConsumer vacated);

    /** The linear pages where {@code frame} is shown as an alias (see {@link #alias}). */
    java.util.List<Long> aliasesOf(long frame);

    /** Takes the alias run holding {@code linearPage} away, its translated code first; tells {@code vacated} each of its pages. CPU stopped. */
    void unalias(long linearPage, java.util.function.LongConsumer vacated);

    /** Takes every alias away, their translated code first; tells {@code vacated} each page. CPU stopped. */
    void dropAliases(java.util.function.LongConsumer vacated);

    /** Alias runs mapped now (each one of QEMU's RAM blocks). */
    int aliasCount();

    /** Nothing at all is mapped at the linear page: no run, alias, placeholder or device. */
    boolean empty(long linearPage);

    /**
     * Who hears when the emulator's translated code of frames [frame, + length) is removed (a run
     * unmapped, code dropped): {@link CodeFrames} forgets them. None until set.
     */
    default void onCodeDropped(java.util.function.BiConsumer<Long, Long> listener) {
    }

    /** Backs a linear page with nothing of the guest's, so that an access reaches the page walk. Maps only. */
    void showNothing(long linearPage);

    /** Is the linear page (above RAM) an alias of the device page at physical {@code frame} now? */
    boolean aliasedDevice(long linearPage, long frame);

    /**
     * Makes the linear page an alias of the device page at physical {@code frame}: accesses trap
     * to the device with the device's own address. Only with the CPU stopped, or in the hook for
     * a page with nothing mapped.
     */
    void aliasDevice(long linearPage, long frame, java.util.function.LongConsumer vacated);

    /** Unmaps the placeholders of {@link #showNothing}, the device aliases and the aliases. Only with the CPU stopped. */
    void dropPlaceholders();

    /** Placeholders and device aliases mapped now (aliases: {@link #aliasCount}). */
    int placeholders();

    /** Joins runs that continue one another (see {@link FrameRuns#coalesce}). Only with the CPU stopped. */
    void coalesce();

    /** How many runs of RAM the emulator's memory map holds now (each one of Unicorn's RAM blocks). */
    int runCount();

    /** Removes the emulator's translated code of frames the VMM wrote, where they are shown. CPU stopped. */
    void dropCode(long frame, long length);
}
