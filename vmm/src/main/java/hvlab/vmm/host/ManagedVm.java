package hvlab.vmm.host;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.Vm;
import hvlab.vmm.snapshot.DirtyPageTracker;
import hvlab.vmm.console.ConsoleLog;

/**
 * One VM as its host keeps it: the definition, the lifecycle state and, while the VM is active,
 * the machine itself. The host's lock guards every field.
 *
 * <p>Who may touch {@link #vm}: the worker thread that has it on a CPU ({@link #onCpu} true), or
 * any thread holding the host's lock while it is off every CPU. That way a VM is never driven by
 * two threads at once, and a lifecycle request (pause, power off) simply waits until the
 * VM's current slice ends, which it asks to happen at once with {@link Vm#requestStop()}.
 */
final class ManagedVm {
    final String name;
    VmDefinition definition;
    VmLifecycle state = VmLifecycle.DEFINED;
    Vm vm;
    /** The console of the current (or last) boot; it outlives the machine so the output stays readable. */
    ConsoleLog console = new ConsoleLog();
    boolean onCpu;
    /** Halted with interrupts enabled; {@link #wakeAt} is when the timer will wake it (host nanos). */
    boolean halted;
    long wakeAt = Long.MAX_VALUE;
    /** Host time up to which the VM's virtual clock has been advanced. */
    long clockSyncedAt;
    /** When the VM was paused (host nanos), so the pause can be cut out of its clock. */
    long pausedAt;
    String lastExit;
    /** What the last machine counted and how far its clock got, kept after it is gone (for vm info and the UI). */
    java.util.Map<String, Long> lastTraps = java.util.Map.of();
    /** The trap log of the VM's last run, kept after it ended (a short guest is over before anyone looks). */
    hvlab.vmm.TrapLog lastTrapLog;
    long lastVirtualNanos;
    /**
     * Held off the CPUs by a live migration's stop-and-copy ({@link LiveExport#stop}): not a
     * pause the user gave, so no lifecycle event, and nothing wakes it until the export lets go.
     */
    boolean held;
    /**
     * The live migration sending this VM, or null. There is at most one of it and
     * {@link #replication}, and no snapshot meanwhile: they all take pages from the one dirty-page
     * tracker, and pages one of them took would be missing from what another sends or keeps.
     */
    LiveExport export;
    /** Its Remus replication while it is replicated (section 13), else null. */
    volatile Checkpointing replication; // read by the NIC on the VM's thread, without the lock
    /**
     * Output commit: while replicated, the console shows bytes only up to this position (that of
     * the last checkpoint the backup acknowledged); -1 when it shows everything.
     */
    long outputCommitted = -1;
    /** An arriving VM's vTPM import key (its target TPM's, for this arrival only), then the vTPM that came sealed to it. */
    hvlab.vmm.tpm.VtpmTransfer.Importer vtpmImporter;
    hvlab.vmm.tpm.VtpmTransfer.Arrived vtpmArrived;
    /** A live migration's machine, built before it arrives, its RAM filled as pages come (see {@link Host#prepareArrival}). */
    Vm arriving;
    /** A lifecycle action is taking the machine away: the end of its last slice is not a guest exit. */
    boolean leaving;
    /** Where the machine's nondeterministic inputs go while it is recorded ({@code vm start --record}), else null. */
    hvlab.vmm.replay.JournalWriter recording;
    final CpuShareMeter meter;
    /**
     * A VM of {@code hv run}: not in the store, on virtual time (its clock moves with the CPU time
     * it gets and skips ahead when it is idle, so runs are quick and repeatable), and its
     * {@link #result} kept for the caller when it ends.
     */
    boolean ephemeral;
    long startedAt;
    hvlab.vmm.VmResult result;

    ManagedVm(VmDefinition definition, long windowNanos, long now) {
        this.name = definition.name();
        this.definition = definition;
        this.meter = new CpuShareMeter(windowNanos, now);
    }

    /**
     * Watches the machine's RAM for the pages written since the snapshot the VM last descends
     * from (taken or reverted to): what the next snapshot keeps. Null when there is none (a fresh
     * boot), and the next snapshot then keeps all of memory.
     */
    DirtyPageTracker dirtyPages;
    /** The RAM {@link #dirtyPages} watches. */
    private GuestMemory trackedRam;

    /** From now on, {@link #dirtyPages} watches {@code ram} (the machine's) and counts from this moment. */
    void trackDirtyPages(GuestMemory ram) {
        if (dirtyPages == null || trackedRam != ram) {
            forgetDirtyPages();
            dirtyPages = DirtyPageTracker.forRam(ram);
            trackedRam = ram;
        }
        dirtyPages.startOver();
    }

    void forgetDirtyPages() {
        if (dirtyPages != null) {
            dirtyPages.close();
            dirtyPages = null;
            trackedRam = null;
        }
    }

    /** Is the VM ready to be given a CPU? */
    boolean runnable() {
        return (state == VmLifecycle.RUNNING || state == VmLifecycle.SHUTTING_DOWN) && !halted && !held && vm != null;
    }
}
