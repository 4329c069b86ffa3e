package hvlab.vmm.replay;

/**
 * Where a recording VM puts its {@link JournalEvent}s. Called on the VM's own thread, between
 * instructions, so it must be quick and must never throw into the VM: a journal that cannot
 * write stops recording and says why ({@link #failure()}), and the guest runs on.
 */
public interface Journal {
    void record(JournalEvent event);

    /** Why recording stopped early, or null while it works. */
    default String failure() {
        return null;
    }
}
