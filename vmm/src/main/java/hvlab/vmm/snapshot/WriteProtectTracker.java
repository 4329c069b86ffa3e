package hvlab.vmm.snapshot;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.linux.WriteProtectWatch;

import java.util.BitSet;

/**
 * Dirty pages found by the host's MMU, the way KVM's dirty log finds a guest's: every page of RAM
 * is write-protected at the starting point, the first store to a page faults, the kernel lets it
 * through and remembers the page ({@link WriteProtectWatch}: userfaultfd's asynchronous write
 * protection and the {@code PAGEMAP_SCAN} ioctl).
 *
 * <p>What it costs: nothing for pages not written; one minor fault (about a microsecond) the
 * first time each page is written after a snapshot; a walk of RAM's page table entries, not of
 * RAM, to take the set (microseconds for 16 MiB). No copy of RAM is kept.
 *
 * <p>Why it can be trusted: the kernel sees every store to the pages, not only the guest's: the
 * VMM's own writes (interrupt frames, disk transfers, a restore) and even the kernel's (a
 * {@code read} into RAM). Taking the set and protecting the pages again is one step under the
 * page-table lock, and the registration covers this VM's RAM alone, so other VMs of the process
 * keep their own.
 */
public final class WriteProtectTracker implements DirtyPageTracker {
    static final String METHOD = "write-protect";

    private final WriteProtectWatch watch;

    /** @throws UnsupportedOperationException where {@link WriteProtectWatch#unavailable()} gives a reason */
    public WriteProtectTracker(GuestMemory ram) {
        this.watch = WriteProtectWatch.of(ram.segment());
    }

    @Override
    public void startOver() {
        watch.protectAll();
    }

    @Override
    public BitSet takeDirty() {
        return watch.takeWritten();
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public void close() {
        watch.close();
    }
}
