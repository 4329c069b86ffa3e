package hvlab.benchmarks;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.Vm;
import hvlab.vmm.snapshot.ComparingTracker;
import hvlab.vmm.snapshot.DirtyPageTracker;
import hvlab.vmm.snapshot.PageSet;
import hvlab.vmm.snapshot.WriteProtectTracker;
import hvlab.vmm.state.VmState;
import hvlab.vmm.state.VmStateCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;

/**
 * What does a snapshot cost, and how should a VMM find the pages an incremental one must keep?
 *
 * <p>A snapshot holds the machine (registers, devices: a few kilobytes) and guest memory (here
 * 16 MiB, 4,096 pages). The first one after a boot keeps every page; each later one keeps only
 * the pages written since its parent, and a revert lays the chain of page sets back into RAM. The
 * yardstick for every figure is {@link #copyRam}, one copy of all of RAM in the same run: taking
 * or restoring a full snapshot should cost at most three of those.
 *
 * <p>Four ways of finding the pages written since the last snapshot, each a
 * {@link DirtyPageTracker}:
 * <ul>
 *   <li>{@code compare} ({@link ComparingTracker}): compare RAM with a copy kept at the last
 *       snapshot. A pass over RAM and a second copy of it, however little was written;</li>
 *   <li>{@code hash} ({@link PageHashTracker}): a 64-bit hash per page instead of the copy. Less
 *       memory, more arithmetic, and a collision is a page silently not kept;</li>
 *   <li>{@code hook} ({@link StoreHookTracker}): the emulator marks each page the guest stores to,
 *       in a native {@code UC_HOOK_MEM_WRITE} callback. Taking the set is cheap, every guest
 *       access pays ({@link #memoryHooked});</li>
 *   <li>{@code write-protect} ({@link WriteProtectTracker}): the host kernel write-protects RAM and
 *       reports the pages stored to (userfaultfd and {@code PAGEMAP_SCAN}: KVM's dirty log, done
 *       by Linux for a process's own memory). The guest pays one fault at the first store to each
 *       page after a snapshot ({@link #firstStoresAfterProtect} against {@link #storesUnprotected}).</li>
 * </ul>
 * Linux's older soft-dirty bits are not here: this kernel has none ({@code SoftDirtyProbe}).
 *
 * <p>The forked JVM runs with the serial collector, as {@code hv} runs a host: a snapshot
 * allocates a page set as large as the RAM it keeps, so its cost depends on the collector.
 *
 * <p>The benchmarks:
 * <ul>
 *   <li>{@link #create} and {@link #restore}: a full snapshot of a 16 MiB VM whose every page is
 *       non-zero, exactly as the host takes it (machine encoded, tracker started over, every page
 *       copied) and lays it back (pages written into the VM's RAM, machine decoded and restored,
 *       a new tracker), into the VM it came from. {@link #revert} does what the host does: the
 *       same into a new machine around fresh RAM, which the kernel must first give pages to.</li>
 *   <li>{@link #incremental}: an incremental snapshot's pages (take the dirty set, copy those
 *       pages) after a guest on a bare CPU stored to 0, 16, 256 or all 4,096 pages. It should
 *       grow with the pages written and be near zero when none were.</li>
 *   <li>{@link #memoryUntracked}, {@link #memoryHooked}, {@link #memoryWriteProtected}: guest
 *       speed in MIPS of {@code bench_mem} (a load and store loop, see B06) on a bare CPU with
 *       each kind of tracking on. The goal for tracking on / off is at least 0.8.</li>
 * </ul>
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"})
public class B09_Snapshot {
    static final long RAM = 16L << 20;
    static final int PAGE = 4096;

    /** A tracker of the named kind for {@code ram}, started over. */
    static DirtyPageTracker track(String kind, GuestMemory ram) {
        DirtyPageTracker tracker = switch (kind) {
            case "write-protect" -> new WriteProtectTracker(ram);
            case "compare" -> new ComparingTracker(ram);
            case "hash" -> new PageHashTracker(ram);
            default -> throw new IllegalArgumentException("no tracker '" + kind + "' for plain RAM");
        };
        tracker.startOver();
        return tracker;
    }

    // ---- the yardstick ------------------------------------------------------------------------

    @State(Scope.Thread)
    public static class TwoRams {
        final GuestMemory from = new GuestMemory(RAM);
        final GuestMemory to = new GuestMemory(RAM);

        @Setup
        public void fill() {
            from.segment().fill((byte) 0xA5);
            to.segment().fill((byte) 0x5A); // both have real pages: no first-touch faults in the copy
        }

        @TearDown
        public void close() {
            from.close();
            to.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int copyRam(TwoRams s) {
        MemorySegment.copy(s.from.segment(), 0, s.to.segment(), 0, RAM);
        return s.to.read8(RAM - 1);
    }

    // ---- a full snapshot and its restore ------------------------------------------------------

    /** As {@code Snapshots.create} with no parent: the machine, a new starting point for the VM's tracker, every page. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int create(SnapshotVm s) {
        VmState state = s.vm.save();
        byte[] machine = VmStateCodec.encode(state);
        s.dirtyPages.startOver();
        PageSet pages = PageSet.fullOf(state.ram().segment().asReadOnly());
        return machine.length + pages.size();
    }

    /** As {@code Snapshots.revert}: the pages into RAM, the machine decoded over it and restored, a new starting point. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void restore(SnapshotVm s) {
        s.dirtyPages.close(); // the host closes the old machine, and its tracker, before it builds the new one
        s.vm.restore(ram -> {
            s.pages.applyTo(ram.segment());
            return VmStateCodec.decode(s.machine, ram);
        });
        s.dirtyPages = track(s.tracker, s.ram);
    }

    /**
     * As a revert on the host goes: the old machine and its tracker closed, a new machine built
     * around fresh RAM, the pages and the machine restored into it, a new tracker. What
     * {@link #restore} leaves out: building the machine, and the kernel giving its RAM pages.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void revert(SnapshotVm s) {
        s.dirtyPages.close();
        s.vm.close();
        s.vm = new Vm(s.config, b -> { });
        s.vm.restore(ram -> {
            s.pages.applyTo(ram.segment());
            s.ram = ram;
            return VmStateCodec.decode(s.machine, ram);
        });
        s.dirtyPages = track(s.tracker, s.ram);
    }

    // ---- incremental snapshots against the pages written --------------------------------------

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int incremental(DirtyingMachine s) {
        PageSet pages = PageSet.of(s.ram.segment().asReadOnly(), s.dirtyPages.takeDirty());
        if (pages.size() != s.dirty) {
            throw new IllegalStateException(s.tracker + " found " + pages.size() + " of " + s.dirty + " pages written");
        }
        return pages.size();
    }

    /** What a collision-resistant hash would cost the {@code hash} candidate: SHA-256 of every page of 16 MiB. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] sha256Ram(TwoRams s) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] last = null;
        for (long at = 0; at < RAM; at += PAGE) {
            sha.update(s.from.segment().asSlice(at, PAGE).asByteBuffer());
            last = sha.digest();
        }
        return last;
    }

    // ---- what tracking costs the guest --------------------------------------------------------

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(TrackedBenchMem.INSTRUCTIONS)
    public long memoryUntracked(TrackedBenchMem.Untracked s) {
        return s.run();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(TrackedBenchMem.INSTRUCTIONS)
    public long memoryHooked(TrackedBenchMem.Hooked s) {
        return s.run();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(TrackedBenchMem.INSTRUCTIONS)
    public long memoryWriteProtected(TrackedBenchMem.WriteProtected s) {
        return s.run();
    }

    /** 16 MiB of RAM with real pages, write-protected again before each run of {@link #firstStoresAfterProtect}. */
    @State(Scope.Thread)
    public static class Protected {
        final GuestMemory ram = new GuestMemory(RAM);
        DirtyPageTracker dirtyPages;

        @Setup
        public void start() {
            ram.segment().fill((byte) 0xA5);
            dirtyPages = track("write-protect", ram);
        }

        @Setup(Level.Invocation)
        public void protect() {
            dirtyPages.startOver();
        }

        @TearDown
        public void close() {
            dirtyPages.close();
            ram.close();
        }
    }

    /** The guest's share of write protection: the first store to each of 4,096 pages after a snapshot, per page. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(4096)
    public void firstStoresAfterProtect(Protected s) {
        for (long at = 0; at < RAM; at += PAGE) {
            s.ram.write8(at, 1);
        }
    }

    /** The same stores to pages nobody protects, per page. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(4096)
    public void storesUnprotected(TwoRams s) {
        for (long at = 0; at < RAM; at += PAGE) {
            s.to.write8(at, 1);
        }
    }
}
