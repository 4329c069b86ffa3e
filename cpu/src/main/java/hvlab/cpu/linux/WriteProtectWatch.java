package hvlab.cpu.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Which pages of a range of our own memory were written since we last looked: asked of the
 * kernel's page tables, for nothing while the memory is written.
 *
 * <h2>The idea: let the MMU notice the writes</h2>
 * Every page table entry has a writable bit. Clear it, and the next store to that page faults
 * into the kernel instead of completing; the fault is how you learn the page was written. KVM
 * logs a guest's dirty pages exactly so ({@code KVM_GET_DIRTY_LOG}: write-protect, take the
 * fault, set a bit, let the store through). A VMM whose guest RAM is ordinary process memory
 * (ours is: {@code GuestMemory} is mapped into Unicorn with {@code uc_mem_map_ptr}, so every
 * guest store is a host store) can have the host kernel do the same for it:
 * <ul>
 *   <li>a <em>userfaultfd</em> registered on the range in write-protect mode, with the
 *       <em>asynchronous</em> feature ({@code UFFD_FEATURE_WP_ASYNC}, Linux 6.7): the kernel
 *       resolves each write fault itself (makes the page writable, clears the entry's uffd-wp
 *       bit) and wakes no one. The first store to a protected page costs one minor fault (about
 *       a microsecond); later stores to it cost nothing;</li>
 *   <li>the {@code PAGEMAP_SCAN} ioctl on {@code /proc/self/pagemap} (also 6.7) walks the page
 *       tables of the range, reports the pages whose uffd-wp bit is clear (written) and, with
 *       {@code PM_SCAN_WP_MATCHING}, protects them again in the same walk, under the page-table
 *       lock: a store racing with the scan is either reported now or faults afterwards and is
 *       reported next time, never lost.</li>
 * </ul>
 * It sees every store into the range, whoever makes it: guest code run by Unicorn, the VMM's own
 * Java writes (interrupt frames, disk transfers, a restore), even the kernel's (a {@code read}
 * into the range). Pages never touched are protected too ({@code UFFD_FEATURE_WP_UNPOPULATED}).
 * The registration belongs to this range alone, unlike soft-dirty bits, whose reset is for the
 * whole process ({@link SoftDirtyProbe}).
 *
 * <p>Unavailable on kernels before 6.7, on other architectures, or where a seccomp filter forbids
 * {@code userfaultfd} (some container runtimes do): {@link #unavailable()} says why, and the
 * caller keeps another way of finding written pages. The userfaultfd is opened with
 * {@code UFFD_USER_MODE_ONLY}, which needs no privilege.
 *
 * <p>One thread at a time uses a watch. The range must outlive it, or be unmapped only after
 * {@link #close()}.
 */
public final class WriteProtectWatch implements AutoCloseable {
    private static final long SYS_USERFAULTFD = 323; // x86-64
    private static final long UFFD_USER_MODE_ONLY = 1;
    private static final long UFFD_API = 0xAA;
    private static final long UFFD_FEATURE_WP_UNPOPULATED = 1L << 13;
    private static final long UFFD_FEATURE_WP_ASYNC = 1L << 15;
    private static final long FEATURES = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED;
    /** _IOWR(0xAA, 0x3F, struct uffdio_api {u64 api, features, ioctls}). */
    private static final long UFFDIO_API = 0xC018AA3FL;
    /** _IOWR(0xAA, 0x00, struct uffdio_register {u64 start, len, mode, ioctls}). */
    private static final long UFFDIO_REGISTER = 0xC020AA00L;
    private static final long UFFDIO_REGISTER_MODE_WP = 2;

    /** _IOWR('f', 16, struct pm_scan_arg): twelve u64 fields, 96 bytes. */
    private static final long PAGEMAP_SCAN = 0xC0606610L;
    private static final long PM_SCAN_WP_MATCHING = 1;
    private static final long PM_SCAN_CHECK_WPASYNC = 2;
    private static final long PAGE_IS_WRITTEN = 2;
    private static final long ARG_SIZE = 96;
    private static final long ARG_FLAGS = 8, ARG_START = 16, ARG_END = 24, ARG_WALK_END = 32, ARG_VEC = 40,
            ARG_VEC_LEN = 48, ARG_CATEGORY_MASK = 72, ARG_RETURN_MASK = 88;
    /** struct page_region {u64 start, end, categories}: one run of written pages. */
    private static final long REGION = 24;
    private static final int REGIONS = 256;

    private static final long PAGE = LinuxCalls.PAGE;

    private final MemorySegment range;
    /** {@code /proc/self/pagemap}, opened once for the process and never closed. */
    private final int pagemap;
    private final int userfaultfd;
    /** For the ioctl arguments: freed by the GC (a shared arena's close waits for every thread: slow). */
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment scan = arena.allocate(ARG_SIZE, 8);
    private final MemorySegment regions = arena.allocate(REGION * REGIONS, 8);
    private final MemorySegment callState = LinuxCalls.newCallState(arena);
    private boolean closed;

    /** Why this process cannot watch for writes this way, or null if it can (found out once). */
    public static String unavailable() {
        return Probe.REASON;
    }

    /**
     * Starts watching {@code range} (page aligned, a whole number of pages, anonymous private
     * memory such as {@code GuestMemory}). Every page counts as written until the first
     * {@link #protectAll}.
     *
     * @throws UnsupportedOperationException if {@link #unavailable()} gives a reason
     */
    public static WriteProtectWatch of(MemorySegment range) {
        String reason = unavailable();
        if (reason != null) {
            throw new UnsupportedOperationException("write-protect tracking is unavailable: " + reason);
        }
        return new WriteProtectWatch(range, Probe.PAGEMAP);
    }

    private WriteProtectWatch(MemorySegment range, int pagemap) {
        if (range.address() % PAGE != 0 || range.byteSize() % PAGE != 0 || range.byteSize() == 0) {
            throw new IllegalArgumentException("a watched range is whole pages");
        }
        this.range = range;
        this.pagemap = pagemap;
        this.userfaultfd = openUserfaultfd();
        try {
            MemorySegment register = arena.allocate(32, 8);
            register.set(JAVA_LONG, 0, range.address());
            register.set(JAVA_LONG, 8, range.byteSize());
            register.set(JAVA_LONG, 16, UFFDIO_REGISTER_MODE_WP);
            LinuxCalls.ioctl(userfaultfd, UFFDIO_REGISTER, register, callState, "UFFDIO_REGISTER");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        scan.fill((byte) 0);
        scan.set(JAVA_LONG, 0, ARG_SIZE);
        // Only the masks PAGEMAP_SCAN's fast path handles: "written", and nothing else asked.
        scan.set(JAVA_LONG, ARG_FLAGS, PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC);
        scan.set(JAVA_LONG, ARG_CATEGORY_MASK, PAGE_IS_WRITTEN);
        scan.set(JAVA_LONG, ARG_RETURN_MASK, PAGE_IS_WRITTEN);
    }

    /** Protects every page of the range: from now on a page counts as written once it is stored to. */
    public void protectAll() {
        scan(false, null);
    }

    /**
     * The pages (by number from the start of the range) written since the last call or
     * {@link #protectAll}, protected again in the same step: an interval ends and the next one
     * starts at one moment.
     */
    public BitSet takeWritten() {
        BitSet written = new BitSet((int) (range.byteSize() / PAGE));
        scan(true, written);
        return written;
    }

    private void scan(boolean report, BitSet into) {
        if (closed || !range.scope().isAlive()) {
            throw new IllegalStateException("the watched memory or the watch is gone");
        }
        long base = range.address();
        long end = base + range.byteSize();
        long start = base;
        while (start < end) {
            scan.set(JAVA_LONG, ARG_START, start);
            scan.set(JAVA_LONG, ARG_END, end);
            scan.set(JAVA_LONG, ARG_VEC, report ? regions.address() : 0);
            scan.set(JAVA_LONG, ARG_VEC_LEN, report ? REGIONS : 0);
            int found = LinuxCalls.ioctl(pagemap, PAGEMAP_SCAN, scan, callState, "PAGEMAP_SCAN");
            for (int i = 0; i < found; i++) {
                long from = regions.get(JAVA_LONG, i * REGION) - base;
                long to = regions.get(JAVA_LONG, i * REGION + 8) - base;
                into.set((int) (from / PAGE), (int) (to / PAGE));
            }
            // The scan stops early when the regions are full; what lies beyond stays unprotected
            // (still "written") and is taken by the next round.
            long walkEnd = scan.get(JAVA_LONG, ARG_WALK_END);
            if (walkEnd <= start) {
                throw new IllegalStateException("PAGEMAP_SCAN made no progress at " + Long.toHexString(start));
            }
            start = walkEnd;
        }
    }

    /** Stops watching; the kernel forgets the registration with the userfaultfd. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LinuxCalls.close(userfaultfd);
        }
    }

    private static int openUserfaultfd() {
        int fd = (int) LinuxCalls.syscall(SYS_USERFAULTFD, LinuxCalls.O_CLOEXEC | LinuxCalls.O_NONBLOCK | UFFD_USER_MODE_ONLY, "userfaultfd");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment api = a.allocate(24, 8);
            api.set(JAVA_LONG, 0, UFFD_API);
            api.set(JAVA_LONG, 8, FEATURES);
            LinuxCalls.ioctl(fd, UFFDIO_API, api, LinuxCalls.newCallState(a), "UFFDIO_API (asynchronous write protection)");
            if ((api.get(JAVA_LONG, 8) & FEATURES) != FEATURES) {
                throw new UnsupportedOperationException("the kernel lacks asynchronous write protection (Linux 6.7+)");
            }
            return fd;
        } catch (RuntimeException e) {
            LinuxCalls.close(fd);
            throw e;
        }
    }

    /** Finds out once whether this works here: opens the pagemap and watches two pages of its own. */
    private static final class Probe {
        static final int PAGEMAP;
        static final String REASON;

        static {
            int pagemap = -1;
            String reason;
            try {
                if (!"amd64".equals(System.getProperty("os.arch")) || !System.getProperty("os.name").startsWith("Linux")) {
                    throw new UnsupportedOperationException("not Linux on x86-64");
                }
                pagemap = LinuxCalls.open("/proc/self/pagemap", LinuxCalls.O_RDONLY | LinuxCalls.O_CLOEXEC);
                reason = selfTest(pagemap);
            } catch (LinuxCallException | UnsupportedOperationException | IllegalStateException e) {
                reason = e.getMessage();
            }
            PAGEMAP = pagemap;
            REASON = reason;
        }

        /** Null when a write to one of two watched pages is reported, and only that page, and then not again. */
        private static String selfTest(int pagemap) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment pages = LinuxCalls.mapAnonymous(2 * PAGE, a);
                WriteProtectWatch watch = new WriteProtectWatch(pages, pagemap);
                try {
                    watch.protectAll();
                    pages.set(JAVA_LONG, PAGE + 8, 1L);
                    BitSet first = watch.takeWritten();
                    BitSet second = watch.takeWritten();
                    if (!first.equals(BitSet.valueOf(new long[] {2})) || !second.isEmpty()) {
                        return "the kernel reported pages " + first + " then " + second + " for a write to page 1";
                    }
                    return null;
                } finally {
                    watch.close();
                }
            }
        }
    }
}
