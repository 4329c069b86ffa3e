package hvlab.vmm.bt;

import hvlab.cpu.CpuBackend;
import hvlab.cpu.GuestMemory;
import hvlab.cpu.Instruction;
import hvlab.cpu.Protection;

import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps binary translation true when the guest rewrites its own code. A translator must scan code
 * again after it changes (self-modifying code, a loader writing a new program), as VMware's did
 * by write-protecting the pages it had translated (Adams and Agesen, ASPLOS 2006, section 3).
 *
 * <p>Every page of the guest's image that holds a translated site is mapped read/execute (code
 * the guest writes outside its image is not guarded: a known gap). A guest write to it faults;
 * the VMM makes the page read/write but not executable, and forgets its sites. When the guest
 * next fetches an instruction from the page, that faults too, before anything runs: the VMM
 * rescans the page, watches what it finds, and makes it read/execute again. Writable or
 * executable, never both: the same W^X discipline JIT compilers use.
 */
public final class CodePageGuard {
    private static final long PAGE = GuestMemory.PAGE_SIZE;

    private final CpuBackend cpu;
    private final GuestMemory ram;
    private final BinaryTranslator translator;
    private final Set<Long> guarded = new TreeSet<>();
    private final Set<Long> rewritten = new TreeSet<>();
    private final Set<Long> toUnlock = new TreeSet<>();
    private final Set<Long> toRescan = new TreeSet<>();
    private int rescans;

    private final long imageStart;
    private final long imageEnd;

    /** Guards pages of [{@code imageStart}, {@code imageEnd}), each of which the VMM mapped on its own. */
    public CodePageGuard(CpuBackend cpu, GuestMemory ram, BinaryTranslator translator, long imageStart, long imageEnd) {
        this.cpu = cpu;
        this.ram = ram;
        this.translator = translator;
        this.imageStart = imageStart;
        this.imageEnd = imageEnd;
    }

    /** Scans {@code code} at {@code address}, watches every sensitive instruction and guards their pages. */
    public void translate(byte[] code, long address) {
        for (Instruction site : translator.findSites(code, address)) {
            cpu.watchInstruction(site.address());
            long page = site.address() & -PAGE;
            if (page >= imageStart && page < imageEnd && guarded.add(page)) {
                cpu.protect(page, PAGE, Protection.READ_EXECUTE);
            }
        }
    }

    /**
     * A write hit a guarded page. The CPU stops before the write (changing a mapping inside one
     * of Unicorn's hooks crashes it); {@link #apply} then makes the page writable and the write
     * is retried. Returns false for pages this guard does not own.
     */
    public boolean onWrite(long address) {
        long page = address & -PAGE;
        if (!guarded.contains(page)) {
            return false;
        }
        toUnlock.add(page);
        return true;
    }

    /** An instruction fetch hit a rewritten page; the CPU stops, nothing has run, {@link #apply} rescans it. */
    public boolean onFetch(long address) {
        long page = address & -PAGE;
        if (!rewritten.contains(page)) {
            return false;
        }
        toRescan.add(page);
        return true;
    }

    /** Called while the CPU is stopped: unlock the pages the guest wants to write, retranslate the ones it wants to run. */
    public void apply() {
        for (long page : toUnlock) {
            guarded.remove(page);
            rewritten.add(page);
            cpu.protect(page, PAGE, Protection.READ_WRITE);
        }
        toUnlock.clear();
        for (long page : toRescan) {
            rewritten.remove(page);
            for (long eip : translator.forgetSites(page, page + PAGE)) {
                cpu.unwatchInstruction(eip);
            }
            cpu.protect(page, PAGE, Protection.ALL);
            translate(ram.read(page, (int) PAGE), page);
            rescans++;
        }
        toRescan.clear();
    }

    /** How many times a rewritten page was scanned again. */
    public int rescans() {
        return rescans;
    }
}
