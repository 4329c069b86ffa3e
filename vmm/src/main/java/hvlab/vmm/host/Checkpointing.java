package hvlab.vmm.host;

import hvlab.vmm.console.ConsoleLog;
import hvlab.vmm.snapshot.DirtyPageTracker;
import hvlab.vmm.snapshot.PageSet;
import hvlab.vmm.state.VmState;
import hvlab.vmm.state.VmStateCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The primary half of Remus (Cully et al., "Remus: High Availability via Asynchronous Virtual
 * Machine Replication", NSDI 2008; paper IV.D.2), as the host offers it to {@code vmmm}: a running
 * VM checkpointed many times a second, each checkpoint the pages written since the one before and
 * the machine state.
 *
 * <p><b>Speculative execution.</b> {@link #take} holds the VM off its CPU only while the dirty
 * pages are copied into Java arrays (the tracker live migration and snapshots use, DESIGN.md
 * section 1); the VM runs on at once while the checkpoint travels to the backup.
 *
 * <p><b>Output commit.</b> What the VM ran after its last acknowledged checkpoint may still be lost
 * (the backup would resume from that checkpoint and run it again), so nothing it produced may be
 * seen outside yet: the console shows bytes only up to the position recorded in the last
 * checkpoint the backup acknowledged ({@link #acknowledged}), and every frame its NIC sends waits
 * ({@link #hold}) until the checkpoint taken after it is acknowledged. The world then never sees
 * output that a failover would take back or repeat.
 *
 * <p>All methods take the host's lock; one thread drives a replication.
 */
public final class Checkpointing {
    /**
     * One epoch's checkpoint: {@code pages} (all non-zero pages at epoch 0, then those written
     * since), the machine state (VmStateCodec JSON, its console only the bytes since the last
     * checkpoint), the console's position at that moment, and how long the VM was held off its
     * CPU for it.
     */
    public record Checkpoint(long epoch, PageSet pages, byte[] machine, long consoleTotal, long pauseNanos) {}

    private final Host host;
    private final ManagedVm m;
    private final VmDefinition definition;
    private final byte[] image;
    /** Checkpoints sent and not yet acknowledged: epoch and console position. */
    private final Deque<long[]> unacknowledged = new ArrayDeque<>();
    private DirtyPageTracker tracker;
    private volatile long epoch = -1;
    /** Frames the VM sent, each held until the checkpoint after it is acknowledged. */
    private final HeldFrames frames = new HeldFrames();
    /** The console's total at the last checkpoint; -1 before the first. */
    private long consoleSent = -1;
    private boolean over;

    Checkpointing(Host host, ManagedVm m) {
        this.host = host;
        this.m = m;
        this.definition = m.definition;
        if (m.vm == null || !m.state.active()) {
            throw new HostException("cannot replicate '" + m.name + "': it is " + m.state.label() + " (only a running VM is replicated)");
        }
        if (m.replication != null) {
            throw new HostException("'" + m.name + "' is replicated already");
        }
        if (m.export != null) { // both would take pages from the one dirty-page tracker
            throw new HostException("cannot replicate '" + m.name + "': it is being migrated");
        }
        if (definition.disk() != null) {
            throw new HostException("cannot replicate '" + m.name + "': it has a disk, and replicating disk writes is not done yet");
        }
        try {
            this.image = Files.readAllBytes(host.store().folder(m.name).resolve(VmStore.IMAGE));
        } catch (IOException e) {
            throw new HostException("cannot read the image of '" + m.name + "': " + VmStore.reason(e));
        }
        m.replication = this;
        m.outputCommitted = m.console.total(); // what it printed before now was seen already
    }

    public String vm() {
        return m.name;
    }

    public VmDefinition definition() {
        return definition;
    }

    public byte[] image() {
        return image.clone();
    }

    public List<String> history() {
        return VmHistory.lines(host.store().folder(m.name));
    }

    /**
     * The next checkpoint: epoch 0 holds all of RAM, each later one the pages written since the
     * one before (all of RAM again if something else took the tracker away). The VM is off its
     * CPU only while the pages are copied.
     */
    public Checkpoint take() {
        VmState state;
        PageSet pages;
        long pause;
        long taken;
        host.lock().lock();
        try {
            requireStillReplicated();
            long start = System.nanoTime();
            boolean wanted = m.runnable();
            host.scheduler().setWants(m.name, false, System.nanoTime());
            try {
                host.awaitOffCpuStillThere(m, "checkpoint it");
                state = m.vm.save();
                if (tracker == null || m.dirtyPages != tracker) {
                    m.trackDirtyPages(state.ram()); // from this moment on
                    tracker = m.dirtyPages;
                    pages = PageSet.fullOf(state.ram().segment().asReadOnly());
                } else {
                    pages = PageSet.of(state.ram().segment().asReadOnly(), tracker.takeDirty());
                }
            } finally {
                if (wanted && m.runnable()) {
                    host.scheduler().setWants(m.name, true, System.nanoTime());
                    host.signalChange();
                }
            }
            pause = System.nanoTime() - start;
            taken = ++epoch;
            unacknowledged.addLast(new long[] {taken, state.console().total()});
        } finally {
            host.lock().unlock();
        }
        // VmState is plain data apart from RAM, whose pages are copied already: the JSON (a
        // millisecond or two) is written while the guest runs, without the host's lock, which
        // the CPUs' workers need between slices.
        ConsoleLog.Contents console = consoleSinceLastCheckpoint(state.console());
        VmState sent = new VmState(state.cpu(), state.vcpu(), state.shadow(), state.devices(), state.ram(), state.entered(),
                state.watched(), state.waiting(), state.virtualNanos(), console, state.counters());
        return new Checkpoint(taken, pages, VmStateCodec.encode(sent), console.total(), pause);
    }

    /**
     * The console as a checkpoint carries it: the bytes since the last checkpoint (all that is
     * kept at epoch 0, or after a new boot restarted the count), with the total. Sending the
     * whole console each time would send up to 256 KiB per epoch that the backup has already.
     */
    private ConsoleLog.Contents consoleSinceLastCheckpoint(ConsoleLog.Contents all) {
        byte[] kept = all.kept();
        int fresh = consoleSent < 0 || all.total() < consoleSent ? kept.length : (int) Math.min(kept.length, all.total() - consoleSent);
        consoleSent = all.total();
        return new ConsoleLog.Contents(java.util.Arrays.copyOfRange(kept, kept.length - fresh, kept.length), all.total());
    }

    /**
     * The backup holds checkpoint {@code ack} whole: the output the VM produced up to it may be
     * seen now (Remus's output commit).
     */
    public void acknowledged(long ack) {
        host.lock().lock();
        try {
            while (!unacknowledged.isEmpty() && unacknowledged.peekFirst()[0] <= ack) {
                long[] done = unacknowledged.removeFirst();
                if (done[0] == ack && m.replication == this) {
                    m.outputCommitted = done[1];
                }
            }
        } finally {
            host.lock().unlock();
        }
        frames.release(ack); // without the host's lock: delivering a frame wakes its receiver, which takes it
    }

    /**
     * Network output commit: a frame the VM's NIC sent, on the VM's own thread, is kept with the
     * checkpoint that will hold the VM's state after sending it, and {@code send} runs once that
     * checkpoint is acknowledged. False when the VM is no longer replicated: send it now.
     */
    public boolean hold(Runnable send) {
        return frames.hold(epoch + 1, send);
    }

    /**
     * Replication is over and the VM runs on unprotected here (the backup went away, or a person
     * stopped it): what it printed is released, the tracker forgotten (the next snapshot is full),
     * and the history says why.
     */
    public void end(String reason, String actor) {
        try {
            endHere(reason, actor);
        } finally {
            frames.releaseAll(); // from now on the VM's frames go at once
        }
    }

    private void endHere(String reason, String actor) {
        host.lock().lock();
        try {
            if (over) return;
            over = true;
            if (m.replication == this) {
                m.replication = null;
                m.outputCommitted = -1;
                if (m.dirtyPages == tracker) m.forgetDirtyPages();
                if (host.hasVm(m.name)) {
                    host.journal(host.store().folder(m.name), "replication-ended", Map.of("reason", reason, "actor", actor));
                }
            }
        } finally {
            host.lock().unlock();
        }
    }

    /**
     * The host is going down as if its process were killed: the VM is held off its CPUs for good
     * and its unacknowledged output is never shown, as a dead host shows nothing. (A test's way to
     * kill a primary inside one JVM; a real crash needs no help.)
     */
    public void die() {
        frames.drop();
        host.lock().lock();
        try {
            if (over || m.replication != this || !host.hasVm(m.name) || m.vm == null) return; // ended already: the VM is no longer ours to hold
            over = true;
            m.held = true;
            host.scheduler().setWants(m.name, false, System.nanoTime());
            if (m.vm != null && m.onCpu) m.vm.requestStop();
        } finally {
            host.lock().unlock();
        }
    }

    private void requireStillReplicated() {
        if (over || m.replication != this || !host.hasVm(m.name) || m.vm == null || !m.state.active()) {
            throw new HostException("'" + m.name + "' is no longer replicated: it is " + m.state.label());
        }
    }
}
