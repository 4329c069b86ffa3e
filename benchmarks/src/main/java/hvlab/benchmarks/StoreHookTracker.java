package hvlab.benchmarks;

import hvlab.cpu.unicorn.PageWriteHook;
import hvlab.vmm.snapshot.DirtyPageTracker;

import java.util.BitSet;

/**
 * Candidate 3 of B09_Snapshot: the emulator marks each page the guest stores to, in a native
 * {@code UC_HOOK_MEM_WRITE} callback ({@link PageWriteHook}). Taking the set reads a byte per page.
 * Measured, not used by the VMM: it misses every store that does not go through the emulator,
 * sees linear rather than physical addresses, and costs on every guest load and store.
 */
final class StoreHookTracker implements DirtyPageTracker {
    private final PageWriteHook hook;

    StoreHookTracker(PageWriteHook hook) {
        this.hook = hook;
    }

    @Override
    public void startOver() {
        hook.takeWritten();
    }

    @Override
    public BitSet takeDirty() {
        return hook.takeWritten();
    }

    @Override
    public String method() {
        return "hook";
    }

    @Override
    public void close() {
    }
}
