package hvlab.vmm.boot;

/**
 * Where things live in the guest's physical address space, and the selectors the guest starts with.
 *
 * <pre>
 *  0x00000000  guest RAM (--mem, 16 MiB by default), read/write/execute for the guest
 *  0x00100000    the guest image is loaded here and entered at its first byte
 *  ram top       initial ESP (the stack grows down from the end of RAM)
 *  0xFFF00000  the VMM's region, which the guest may read but never write:
 *  0xFFF00000    the GDT the CPU really uses (64 KiB, all 8192 entries), read-only
 *  0xFFF10000    the ring-0 trampoline (one IRETD) and its prepared stack frame, read/execute
 *  0xFFF11000    the TSS the CPU really uses, read-only
 * </pre>
 *
 * Ring compression: the guest kernel thinks it runs at ring 0, but its segments are described in
 * the real GDT with DPL 3 and it runs at CPL 3. The VMM keeps three ring-0 entries of its own at
 * the top of the table: code and data for the trampoline, and the real TSS.
 *
 * <p>The real TSS is there so that the CPU always has a valid one: Unicorn aborts the whole
 * process when an inner-privilege transfer finds the task register empty. Its ring-0 stack
 * selector is null, so any such transfer raises #TS instead of reaching ring 0.
 */
public final class BootLayout {
    private BootLayout() {}

    public static final long GUEST_LOAD_ADDRESS = 0x00100000L;
    public static final long VMM_REGION = 0xFFF00000L;
    public static final long VMM_REGION_SIZE = 0x20000;
    public static final long GDT_BASE = VMM_REGION;
    public static final int GDT_LIMIT = 0xFFFF;
    public static final long TRAMPOLINE = VMM_REGION + 0x10000;
    public static final long TRAMPOLINE_FRAME = TRAMPOLINE + 0x100;
    public static final long TSS = VMM_REGION + 0x11000;
    /** The 32-bit TSS's fixed part (SDM Vol. 3, 7.2.1): the I/O map base at 0x66 points past it, so no port is granted. */
    public static final int TSS_LIMIT = 103;

    /** The guest's flat kernel segments, as it names them (RPL 0) in its own view of the GDT. */
    public static final int GUEST_KERNEL_CODE = 0x08;
    public static final int GUEST_KERNEL_DATA = 0x10;
    public static final int GUEST_USER_CODE = 0x18 | 3;
    public static final int GUEST_USER_DATA = 0x20 | 3;

    /** The VMM's own ring-0 segments and its TSS, in the last three GDT entries. */
    public static final int VMM_TSS = 8189 << 3;
    public static final int VMM_CODE = 8190 << 3;
    public static final int VMM_DATA = 8191 << 3;

    /** The lowest sensible RAM size: the image goes at 1 MiB and needs room above it. */
    public static final long MIN_RAM = 2L << 20;
    public static final long MAX_RAM = 1L << 30;
}
