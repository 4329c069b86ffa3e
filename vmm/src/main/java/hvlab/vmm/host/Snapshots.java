package hvlab.vmm.host;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.devices.DiskImage;
import hvlab.vmm.devices.OverlayDisk;
import hvlab.vmm.snapshot.DirtyPageTracker;
import hvlab.vmm.snapshot.PageSet;
import hvlab.vmm.snapshot.SnapshotRecord;
import hvlab.vmm.snapshot.SnapshotStore;
import hvlab.vmm.state.VmState;
import hvlab.vmm.state.VmStateCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Snapshots and rollback (paper IV.C.12) on a host: take one, go back to one, delete one. With
 * the host's lock held. A snapshot holds the whole VM:
 * <ul>
 *   <li>its machine (CPU, virtual CPU, devices: {@link VmStateCodec});</li>
 *   <li>its memory, all of it for the first snapshot after a boot and only the pages written
 *       since for the next (found by the VM's {@link DirtyPageTracker}: the host kernel's write
 *       protection where it can, else a comparison with a copy kept at the last snapshot;
 *       DESIGN.md compares the ways);</li>
 *   <li>its disk, by copy-on-write: the disk's top layer is frozen for the snapshot and a new,
 *       empty layer goes on top ({@link OverlayDisk}); no disk is copied.</li>
 * </ul>
 * A running VM is held off its CPU only while its machine and changed pages are copied; the files
 * are written after it runs on. Snapshots form a tree: going back to one and running on starts a
 * new branch, and the old one stays (paper IV.E.3: the VM's history is no longer a line).
 */
final class Snapshots {
    static final String LAYERS = "layers";

    private final Host host;
    private final Lifecycle lifecycle;

    Snapshots(Host host, Lifecycle lifecycle) {
        this.host = host;
        this.lifecycle = lifecycle;
    }

    SnapshotRecord create(ManagedVm m, String name, String actor) throws IOException {
        VmStore.checkName(name, "snapshot name");
        Path folder = host.store().folder(m.name);
        SnapshotStore snapshots = new SnapshotStore(folder);
        if (snapshots.byName(name).isPresent()) {
            throw new HostException("'" + m.name + "' already has a snapshot named '" + name + "'");
        }
        String id = newId();
        String parent = snapshots.current().orElse(null);
        byte[] machine = null;
        PageSet memory = null;
        boolean wanted = m.runnable();
        host.scheduler().setWants(m.name, false, System.nanoTime());
        String frozenDisk;
        try {
            if (m.vm != null) {
                host.awaitOffCpuStillThere(m, "take a snapshot");
                VmState state = m.vm.save();
                machine = VmStateCodec.encode(state);
                memory = capturePages(m, state.ram(), parent != null);
            }
            frozenDisk = freezeDisk(m, folder, id);
        } finally {
            if (wanted && m.runnable()) {
                host.scheduler().setWants(m.name, true, System.nanoTime());
                host.signalChange();
            }
        }
        String vmState = m.vm == null ? "defined" : m.state == VmLifecycle.PAUSED ? "paused" : "running";
        SnapshotRecord record = new SnapshotRecord(id, name, parent, Instant.now(), vmState, frozenDisk,
                memory == null || memory.full(), memory == null ? 0 : memory.size(),
                m.definition.memoryBytes(), m.definition.generationId());
        snapshots.create(record, machine, memory);
        snapshots.setCurrent(id);
        host.journal(folder, "snapshot", Map.of("snapshot", name, "id", id, "parent", parentName(snapshots, parent),
                "state", vmState, "pages", record.pages(), "actor", actor));
        return record;
    }

    /**
     * The pages to keep: those written since the parent snapshot when the VM's tracker has been
     * watching since then, else all of them. Either way this moment becomes the starting point of
     * the next snapshot; the VM is off its CPU throughout, so no store falls in between.
     */
    private static PageSet capturePages(ManagedVm m, GuestMemory ram, boolean haveParent) {
        if (m.dirtyPages != null && haveParent) {
            return PageSet.of(ram.segment().asReadOnly(), m.dirtyPages.takeDirty());
        }
        m.trackDirtyPages(ram);
        return PageSet.fullOf(ram.segment().asReadOnly());
    }

    /** Freezes the disk's top layer for snapshot {@code id} and puts a new one on; returns the frozen one. */
    private String freezeDisk(ManagedVm m, Path folder, String id) throws IOException {
        String top = m.definition.disk();
        if (top == null) {
            return null;
        }
        String layer = startLayer(folder, top, "L" + id);
        if (m.vm != null) {
            DiskImage old = m.vm.platform().disk().swapImage(DiskImage.open(folder.resolve(layer)));
            old.close();
        }
        m.definition = m.definition.withDisk(layer);
        host.store().save(m.definition);
        return top;
    }

    /** A new empty layer over {@code lower}; returns its name relative to the VM's folder. */
    private static String startLayer(Path folder, String lower, String name) throws IOException {
        Files.createDirectories(folder.resolve(LAYERS));
        String layer = LAYERS + "/" + name + ".ovl";
        OverlayDisk.create(folder.resolve(layer), VmCreation.diskPath(folder, lower));
        return layer;
    }

    void revert(ManagedVm m, SnapshotRecord snapshot, String actor) throws IOException {
        Path folder = host.store().folder(m.name);
        SnapshotStore snapshots = new SnapshotStore(folder);
        VmLifecycle from = m.state;
        if (m.vm != null) {
            lifecycle.halt(m);
        }
        String abandoned = m.definition.disk();
        VmDefinition definition = m.definition.withGenerationId(Identity.newGenerationId());
        if (snapshot.diskLayer() != null) {
            definition = definition.withDisk(startLayer(folder, snapshot.diskLayer(), "L" + newId()));
        }
        m.definition = definition;
        host.store().save(definition);
        snapshots.setCurrent(snapshot.id());
        if (abandoned != null && !abandoned.equals(definition.disk())) {
            deleteUnusedLayer(folder, abandoned, snapshots, definition.disk());
        }
        if (snapshot.hasMachine()) {
            List<PageSet> memory = memoryAt(snapshots, snapshot);
            byte[] machine = snapshots.machine(snapshot);
            lifecycle.startMachine(m, ram -> {
                for (PageSet step : memory) {
                    step.applyTo(ram.segment());
                }
                return VmStateCodec.decode(machine, ram);
            }, "paused".equals(snapshot.vmState()));
            // Before the VM can run (the host's lock is held): what it writes from here on is what
            // the next snapshot, a child of this one, keeps.
            m.trackDirtyPages(m.vm.save().ram());
        }
        lifecycle.transition(m, from, m.state, actor, "reverted to snapshot " + snapshot.name());
        host.journal(folder, "revert", Map.of("snapshot", snapshot.name(), "id", snapshot.id(), "actor", actor,
                "generationId", definition.generationId()));
    }

    /** RAM as it was at {@code snapshot}: the nearest full page set above it, then each later one, to apply in order. */
    private static List<PageSet> memoryAt(SnapshotStore snapshots, SnapshotRecord snapshot) throws IOException {
        List<SnapshotRecord> chain = new ArrayList<>();
        for (SnapshotRecord at = snapshot; at != null; ) {
            chain.add(0, at);
            if (at.fullMemory()) {
                break;
            }
            String parent = at.parent();
            at = parent == null ? null : snapshots.byId(parent).orElseThrow(
                    () -> new HostException("snapshot " + snapshot.name() + " needs a parent that is gone"));
        }
        if (!chain.getFirst().fullMemory()) {
            throw new HostException("snapshot " + snapshot.name() + " has no full memory image above it");
        }
        List<PageSet> memory = new ArrayList<>();
        for (SnapshotRecord step : chain) {
            memory.add(snapshots.memory(step));
        }
        return memory;
    }

    /**
     * Deletes a snapshot. Its children keep what they need: each gets the deleted one's pages
     * under its own (an incremental child becomes relative to the deleted one's parent), written
     * before the snapshot goes, so a crash in between leaves both valid. Its disk layer stays while
     * a later layer is built on it.
     */
    void delete(ManagedVm m, SnapshotRecord snapshot, String actor) throws IOException {
        Path folder = host.store().folder(m.name);
        SnapshotStore snapshots = new SnapshotStore(folder);
        PageSet own = snapshot.hasMachine() ? snapshots.memory(snapshot) : null;
        for (SnapshotRecord child : snapshots.list()) {
            if (!snapshot.id().equals(child.parent())) {
                continue;
            }
            if (child.hasMachine() && !child.fullMemory() && own != null) {
                PageSet merged = own.under(snapshots.memory(child));
                snapshots.rewrite(child.withParent(snapshot.parent(), merged.full(), merged.size()), merged);
            } else {
                snapshots.rewrite(child.withParent(snapshot.parent(), child.fullMemory(), child.pages()), null);
            }
        }
        if (snapshots.current().map(snapshot.id()::equals).orElse(false)) {
            snapshots.setCurrent(snapshot.parent());
            m.forgetDirtyPages(); // the next snapshot's pages cannot be relative to one that is gone
        }
        snapshots.delete(snapshot);
        if (snapshot.diskLayer() != null) {
            deleteUnusedLayer(folder, snapshot.diskLayer(), snapshots, m.definition.disk());
        }
        host.journal(folder, "snapshot-deleted", Map.of("snapshot", snapshot.name(), "id", snapshot.id(), "actor", actor));
    }

    /** Removes a layer file of ours that no snapshot, no other layer and the live disk use any more. */
    private static void deleteUnusedLayer(Path folder, String layer, SnapshotStore snapshots, String liveDisk) throws IOException {
        if (!layer.startsWith(LAYERS + "/")) {
            return; // the base disk, or the user's own file: never ours to delete
        }
        Path file = folder.resolve(layer).normalize();
        List<String> inUse = new ArrayList<>();
        for (SnapshotRecord record : snapshots.list()) {
            if (record.diskLayer() != null) inUse.add(record.diskLayer());
        }
        if (liveDisk != null) inUse.add(liveDisk);
        for (String used : inUse) {
            for (Path at = folder.resolve(used).normalize(); at != null; at = OverlayDisk.lowerOf(at)) {
                if (at.equals(file)) {
                    return;
                }
            }
        }
        Files.deleteIfExists(file);
    }

    private static String parentName(SnapshotStore snapshots, String parent) throws IOException {
        if (parent == null) {
            return "";
        }
        Optional<SnapshotRecord> record = snapshots.byId(parent);
        return record.map(SnapshotRecord::name).orElse(parent);
    }

    private static String newId() {
        return Identity.newGenerationId().substring(0, 12);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
