package hvlab.vmm.host;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.snapshot.PageSet;
import hvlab.vmm.state.VmState;
import hvlab.vmm.state.VmStateCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * The source half of a live migration (Clark et al., "Live Migration of Virtual Machines", NSDI
 * 2005), as the host offers it to {@code vmmm}: a running VM's memory taken in rounds while it
 * keeps running, then its last pages and machine state once it is paused.
 *
 * <p>Round 0 ({@link #firstRound}) copies every page and starts the VM's dirty-page tracker (the
 * same one incremental snapshots use: write protection by the host kernel, DESIGN.md section 1);
 * each {@link #nextRound} copies the pages written since the round before. The VM is held off its
 * CPU only for the moment a round's pages are copied into Java arrays (the tracker's contract: the
 * guest is stopped while it reports); sending them, which is the slow part, happens while it runs.
 *
 * <p>The tracker is the snapshots' too, so a migration that ends without the VM leaving
 * ({@link #abort}) makes the tracker forget: the next snapshot keeps all of memory, which is
 * always correct (a tracker may report too many pages, never too few).
 *
 * <p>All methods take the host's lock; one thread drives an export.
 */
public final class LiveExport {
    /** The end of the pre-copy phase: the VM is paused, and this is all that is left to send. */
    public record Final(PageSet pages, byte[] machine, List<String> history) {}

    private final Host host;
    private final ManagedVm m;
    private final VmDefinition definition;
    private final byte[] image;
    private boolean pausedByUs;
    private boolean over;
    private DiskCopy disk;
    /** Round 0 was taken: the tracker counts from the last round, not from a snapshot. */
    private boolean tracking;

    LiveExport(Host host, ManagedVm m) {
        this(host, m, false);
    }

    /** @param withDisk the caller sends the VM's disk too ({@link #disk}) */
    LiveExport(Host host, ManagedVm m, boolean withDisk) {
        this.host = host;
        this.m = m;
        this.definition = m.definition;
        if (m.vm == null || m.state != VmLifecycle.RUNNING) {
            throw new HostException("cannot migrate '" + m.name + "': it is " + m.state.label() + " (only a running VM migrates live)");
        }
        if (m.replication != null) {
            throw new HostException("cannot migrate '" + m.name + "': it is replicated (its backup is its way to another host;"
                    + " dc replicate " + m.name + " --stop ends the replication)");
        }
        if (definition.disk() != null && !withDisk) {
            throw new HostException("cannot send '" + m.name + "' away this way: it has a disk, and only live migration copies disks");
        }
        if (m.export != null) {
            throw new HostException("cannot send '" + m.name + "' away: it is being migrated already");
        }
        try {
            this.image = Files.readAllBytes(host.store().folder(m.name).resolve(VmStore.IMAGE));
        } catch (IOException e) {
            throw new HostException("cannot read the image of '" + m.name + "': " + VmStore.reason(e));
        }
        m.export = this;
    }

    /** The VM's disk, to send chunk by chunk (null for a VM without one). */
    public DiskCopy disk() {
        if (definition.disk() == null) {
            return null;
        }
        if (disk == null) {
            disk = new DiskCopy(VmCreation.diskPath(host.store().folder(m.name), definition.disk()));
        }
        return disk;
    }

    public VmDefinition definition() {
        return definition;
    }

    public byte[] image() {
        return image.clone();
    }

    /** The VM's history so far (JSON lines), to go with the offer. */
    public List<String> history() {
        return VmHistory.lines(host.store().folder(m.name));
    }

    /** Round 0: every non-zero page, copied while the VM is held off its CPU for that moment. */
    public PageSet firstRound() {
        return whileOffCpu(ram -> {
            m.trackDirtyPages(ram);
            tracking = true;
            return PageSet.fullOf(ram.segment().asReadOnly());
        });
    }

    /** The pages written since the last round, and a new starting point at the same moment. */
    public PageSet nextRound() {
        if (!tracking) {
            throw new IllegalStateException("a round after round 0 needs round 0 first");
        }
        return whileOffCpu(ram -> PageSet.of(ram.segment().asReadOnly(), m.dirtyPages.takeDirty()));
    }

    /**
     * Stop-and-copy: holds the VM off its CPUs (not a lifecycle pause: that would write an event,
     * and forcing it to disk would lengthen the downtime) and returns the pages written since the
     * last round with the machine state (CPU, virtual CPU, devices).
     */
    public Final stop(String actor) {
        host.lock().lock();
        try {
            requireStillHere();
            if (m.state != VmLifecycle.RUNNING) {
                throw new HostException("'" + m.name + "' is " + m.state.label() + ": only a running VM migrates live");
            }
            m.held = true;
            pausedByUs = true;
            host.scheduler().setWants(m.name, false, System.nanoTime());
            host.awaitOffCpuStillThere(m, "stop it for the last copy");
            VmState state = m.vm.save();
            PageSet pages = !tracking ? PageSet.fullOf(state.ram().segment().asReadOnly())
                    : PageSet.of(state.ram().segment().asReadOnly(), m.dirtyPages.takeDirty());
            return new Final(pages, VmStateCodec.encode(state), VmHistory.lines(host.store().folder(m.name)));
        } finally {
            host.lock().unlock();
        }
    }

    /**
     * The VM's vTPM (keys, PCRs, log, NV, monotonic counters) sealed to the target's TPM
     * ({@link hvlab.vmm.tpm.VtpmTransfer}), taken after {@link #stop} while the VM is held, so it
     * is the vTPM of the same instant as the machine state. Null for a VM without a vTPM. A key
     * that is not the target TPM's is refused here, before anything is sealed.
     */
    public byte[] sealVtpm(hvlab.vmm.tpm.VtpmTransfer.ImportKey to, String target) {
        host.lock().lock();
        try {
            requireStillHere();
            if (!m.held) {
                throw new IllegalStateException("a vTPM is sealed after the stop, while the VM is held");
            }
            hvlab.vmm.devices.TpmDevice device = m.vm.platform().tpm();
            return device == null ? null : hvlab.vmm.tpm.VtpmTransfer.seal(device.tpm(), device.owner(), to, m.name, target);
        } finally {
            host.lock().unlock();
        }
    }

    /**
     * The migration failed before the target took over: the VM runs on here as if nothing had
     * happened (resumed if this export paused it), and a history event says why.
     */
    public void abort(String reason, String actor) {
        host.lock().lock();
        try {
            if (over) return;
            over = true;
            if (m.export == this) m.export = null;
            m.forgetDirtyPages();
            if (pausedByUs) {
                m.held = false;
                if (m.vm != null) {
                    host.wake(m); // it runs on; its clock catches up as after any wait for a CPU
                }
            }
            if (host.hasVm(m.name)) {
                host.journal(host.store().folder(m.name), "migration-failed", Map.of("reason", reason, "actor", actor));
            }
        } finally {
            host.lock().unlock();
        }
    }

    /**
     * The outcome is not known (the target may or may not have taken over): the VM is paused
     * here (a lifecycle pause now, so a person sees it and can resume it), so that it never runs
     * in two places, and a person decides.
     */
    public void leavePaused(String reason, String actor) {
        host.lock().lock();
        try {
            if (over) return;
            over = true;
            if (m.export == this) m.export = null;
            m.forgetDirtyPages();
            m.held = false;
            if (m.state == VmLifecycle.RUNNING) {
                host.act(m.name, PowerAction.PAUSE, actor);
            }
            host.journal(host.store().folder(m.name), "migration-unknown", Map.of("reason", reason, "actor", actor));
        } finally {
            host.lock().unlock();
        }
    }

    /**
     * The target confirmed that the VM runs there: the machine here is powered off and its
     * definition removed. The {@code migrated} event goes to the host's secure log, which outlives
     * the VM's folder.
     */
    public void commit(String target, String actor) {
        host.lock().lock();
        try {
            over = true;
            if (m.export == this) m.export = null;
            m.held = false;
            host.journal(host.store().folder(m.name), "migrated", Map.of("from", host.name(), "to", target, "actor", actor));
            host.act(m.name, PowerAction.DESTROY, actor);
            host.act(m.name, PowerAction.UNDEFINE, actor);
        } finally {
            host.lock().unlock();
        }
    }

    private PageSet whileOffCpu(java.util.function.Function<GuestMemory, PageSet> work) {
        host.lock().lock();
        try {
            requireStillHere();
            boolean wanted = m.runnable();
            host.scheduler().setWants(m.name, false, System.nanoTime());
            try {
                host.awaitOffCpuStillThere(m, "copy its memory");
                return work.apply(m.vm.save().ram());
            } finally {
                if (wanted && m.runnable()) {
                    host.scheduler().setWants(m.name, true, System.nanoTime());
                    host.signalChange();
                }
            }
        } finally {
            host.lock().unlock();
        }
    }

    private void requireStillHere() {
        if (over || !host.hasVm(m.name) || m.vm == null || !m.state.active()) {
            throw new HostException("'" + m.name + "' stopped during its migration: it is " + m.state.label());
        }
    }
}
