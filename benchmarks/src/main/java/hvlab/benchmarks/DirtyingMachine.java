package hvlab.benchmarks;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.Protection;
import hvlab.cpu.Register;
import hvlab.cpu.unicorn.BareCpu;
import hvlab.vmm.snapshot.DirtyPageTracker;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;

/**
 * For {@link B09_Snapshot#incremental}: a bare CPU with 16 MiB of RAM at address 0, every page
 * non-zero, watched by the {@link #tracker} named; before each snapshot a guest stores to
 * {@link #dirty} pages spread evenly over RAM. The guest's code lives in a page of its own far
 * above RAM, so RAM holds data only and every page a tracker finds is one the benchmark wrote:
 * <pre>
 *   .loop:  add dword [edi], 1     ; 83 07 01     the page's bytes change
 *           add edi, edx           ; 01 D7        EDX = the distance between two pages written
 *           dec ecx                ; 49           ECX = how many
 *           jnz .loop              ; 75 F8
 *           hlt                    ; F4
 * </pre>
 */
@State(Scope.Thread)
public class DirtyingMachine {
    static final int PAGES = (int) (B09_Snapshot.RAM / B09_Snapshot.PAGE);
    private static final long CODE = 0x10000000L;
    private static final byte[] LOOP = {(byte) 0x83, 0x07, 0x01, 0x01, (byte) 0xD7, 0x49, 0x75, (byte) 0xF8, (byte) 0xF4};

    @Param({"write-protect", "compare", "hash", "hook"})
    public String tracker;
    /** Pages the guest writes before each snapshot: a power of two. */
    @Param({"0", "16", "256", "4096"})
    public int dirty;

    final GuestMemory ram = new GuestMemory(B09_Snapshot.RAM);
    private final GuestMemory code = new GuestMemory(B09_Snapshot.PAGE);
    private final BareCpu cpu = new BareCpu();
    DirtyPageTracker dirtyPages;

    @Setup
    public void start() {
        ram.segment().fill((byte) 0xA5);
        code.write(0, LOOP);
        cpu.map(0, ram, Protection.ALL);
        cpu.map(CODE, code, Protection.ALL);
        dirtyPages = tracker.equals("hook")
                ? new StoreHookTracker(cpu.hookPageWrites(B09_Snapshot.RAM)) // before the guest's first block
                : B09_Snapshot.track(tracker, ram);
        dirtyPages.startOver();
    }

    /** The guest stores to {@link #dirty} pages, evenly spread over RAM. */
    @Setup(Level.Invocation)
    public void write() {
        if (dirty == 0) {
            return;
        }
        cpu.write(Register.EDI, 0);
        cpu.write(Register.ECX, dirty);
        cpu.write(Register.EDX, PAGES / dirty * B09_Snapshot.PAGE);
        BareCpu.Run run = cpu.runUntilHalt(CODE, Duration.ZERO);
        if (run.ending() != BareCpu.Run.Ending.HALTED) {
            throw new IllegalStateException("the guest that writes pages did not halt: " + run);
        }
    }

    @TearDown
    public void close() {
        dirtyPages.close();
        cpu.close();
        code.close();
        ram.close();
    }
}
