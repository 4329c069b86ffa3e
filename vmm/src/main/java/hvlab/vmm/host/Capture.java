package hvlab.vmm.host;

import hvlab.vmm.devices.DiskImage;
import hvlab.vmm.snapshot.PageSet;
import hvlab.vmm.state.VmState;
import hvlab.vmm.state.VmStateCodec;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Taking a whole VM out of its host ({@link #of}) and putting one in ({@link #install}): the two
 * halves of export and import, backup and restore. Runs with the host's lock held and the VM off
 * every CPU, so what is taken is one consistent moment.
 */
final class Capture {
    private Capture() {}

    static VmBundle of(Host host, ManagedVm m) {
        Path folder = host.store().folder(m.name);
        byte[] image;
        try {
            image = Files.readAllBytes(folder.resolve(VmStore.IMAGE));
        } catch (IOException e) {
            throw new HostException("cannot read the image of '" + m.name + "': " + VmStore.reason(e));
        }
        Path disk = m.definition.disk() == null ? null : flatten(VmCreation.diskPath(folder, m.definition.disk()));
        byte[] machine = null;
        PageSet memory = null;
        boolean paused = false;
        if (m.vm != null && m.state.active()) {
            VmState state = m.vm.save();
            machine = VmStateCodec.encode(state);
            memory = PageSet.fullOf(state.ram().segment().asReadOnly());
            paused = m.state == VmLifecycle.PAUSED;
        } else if (SavedState.exists(folder)) {
            SavedState.Contents saved = SavedState.read(folder);
            machine = saved.machine();
            memory = saved.memory();
            paused = saved.paused();
        }
        return new VmBundle(m.definition, image, disk, machine, memory, paused, VmHistory.lines(folder));
    }

    /**
     * A disk as one raw file, copy-on-write layers and all: every sector read through the chain
     * and written where it belongs, zero sectors left as holes (the file stays sparse).
     */
    static Path flatten(Path top) {
        try (DiskImage disk = DiskImage.open(top, false)) {
            Path flat = Files.createTempFile("hvlab-disk", ".img");
            byte[] sector = new byte[DiskImage.SECTOR_BYTES];
            byte[] zero = new byte[DiskImage.SECTOR_BYTES];
            try (RandomAccessFile out = new RandomAccessFile(flat.toFile(), "rw")) {
                out.setLength(disk.sectors() * DiskImage.SECTOR_BYTES);
                for (long lba = 0; lba < disk.sectors(); lba++) {
                    disk.read(lba, sector);
                    if (!java.util.Arrays.equals(sector, zero)) {
                        out.seek(lba * DiskImage.SECTOR_BYTES);
                        out.write(sector);
                    }
                }
            }
            return flat;
        } catch (IOException | IllegalArgumentException e) {
            throw new HostException("cannot read the disk " + top + ": " + e.getMessage());
        }
    }

    static VmDefinition install(VmStore store, VmBundle bundle, String name) {
        Path folder = store.createFolder(name);
        try {
            VmStore.writeAtomically(folder.resolve(VmStore.IMAGE), bundle.image());
            String disk = null;
            if (bundle.disk() != null) {
                Files.copy(bundle.disk(), folder.resolve(VmCreation.DISK), StandardCopyOption.REPLACE_EXISTING);
                disk = VmCreation.DISK;
            }
            if (bundle.machine() != null) {
                SavedState.write(folder, bundle.machine(), bundle.memory(), bundle.paused());
            }
            VmHistory.write(folder, bundle.history());
            VmDefinition definition = bundle.definition().renamed(name).withDisk(disk);
            store.save(definition); // last: the VM exists once its definition does
            return definition;
        } catch (IOException | RuntimeException e) {
            store.delete(name);
            if (e instanceof HostException h) throw h;
            throw new HostException("cannot install '" + name + "': " + e.getMessage());
        }
    }
}
