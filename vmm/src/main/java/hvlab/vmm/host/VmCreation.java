package hvlab.vmm.host;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.VmConfig;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.GuestImageException;
import hvlab.vmm.image.GuestImages;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code vm create}: checks everything the user asked for before anything is written, then
 * writes the VM's folder (image, disk, definition last). If a step fails, the folder goes again:
 * a VM is either fully defined or not at all.
 */
final class VmCreation {
    /** A sector: the ATA disk reads and writes in these. */
    static final long SECTOR = 512;
    /** The largest disk 28-bit LBA can address: 2^28 sectors of 512 bytes. */
    static final long MAX_DISK = (1L << 28) * SECTOR;
    /** The name of a disk created from a size, in the VM's folder. */
    static final String DISK = "disk.img";

    private final VmStore store;

    VmCreation(VmStore store) {
        this.store = store;
    }

    VmDefinition create(VmSpec spec) {
        GuestImage image = resolve(spec.guest());
        long memory = spec.memory() == null ? GuestImages.defaultMemory(spec.guest()) : size(spec.memory(), "--mem");
        ExecutionMode mode = spec.mode() == null ? ExecutionMode.TRAP : mode(spec.mode());
        try {
            new VmConfig(image, memory, mode, java.time.Duration.ZERO);
        } catch (IllegalArgumentException e) {
            throw new HostException(e.getMessage());
        }
        new CreditScheduler(1).add("check", spec.weight(), spec.cap());
        DiskPlan disk = plan(spec.disk());
        byte[] ownDisk = GuestImages.builtInDisk(spec.guest());
        if (disk == null && ownDisk != null) {
            disk = new DiskPlan(0, null, ownDisk);      // a built-in guest's own disk (hvos), copied for this VM
        }
        Path folder = store.createFolder(spec.name());
        try {
            VmStore.writeAtomically(folder.resolve(VmStore.IMAGE), image.code());
            String diskName = disk == null ? null : disk.create(folder);
            VmDefinition definition = new VmDefinition(spec.name(), Identity.newUuid(), spec.guest(), memory,
                    mode.label(), diskName, spec.weight(), spec.cap(), Instant.now(), Identity.newMac(), Identity.newGenerationId(),
                    spec.closedBox(), spec.network(), spec.apic() || GuestImages.needsApic(spec.guest()), spec.keyboard(),
                    spec.ifMirror() != null ? spec.ifMirror() : GuestImages.mirrorsInterruptFlag(spec.guest()));
            store.save(definition);
            return definition;
        } catch (IOException e) {
            store.delete(spec.name());
            throw new HostException("cannot create '" + spec.name() + "': " + VmStore.reason(e));
        } catch (RuntimeException e) {
            store.delete(spec.name());
            throw e;
        }
    }

    /** The disk file a definition names: in the VM's folder if relative. */
    static Path diskPath(Path folder, String disk) {
        Path path = Path.of(disk);
        return path.isAbsolute() ? path : folder.resolve(path);
    }

    private static GuestImage resolve(String guest) {
        if (guest == null || guest.isBlank()) {
            throw new HostException("a VM needs a guest: --guest NAME (a built-in guest), FILE.asm or FILE.bin");
        }
        try {
            return GuestImages.resolve(guest);
        } catch (GuestImageException e) {
            throw new HostException(e.getMessage());
        }
    }

    private static long size(String text, String option) {
        try {
            return VmConfig.parseSize(text);
        } catch (IllegalArgumentException e) {
            throw new HostException(option + ": " + e.getMessage());
        }
    }

    private static ExecutionMode mode(String text) {
        try {
            return ExecutionMode.parse(text);
        } catch (IllegalArgumentException e) {
            throw new HostException(e.getMessage());
        }
    }

    /** A disk to make (from a size) or to use (an existing file), checked before anything is written. */
    private record DiskPlan(long newSize, Path existing, byte[] contents) {
        DiskPlan(long newSize, Path existing) {
            this(newSize, existing, null);
        }

        String create(Path folder) throws IOException {
            if (existing != null) {
                return existing.toString();
            }
            if (contents != null) {
                Files.write(folder.resolve(DISK), contents);
                return DISK;
            }
            try (RandomAccessFile file = new RandomAccessFile(folder.resolve(DISK).toFile(), "rw")) {
                file.setLength(newSize); // sparse: only written sectors take room
            }
            return DISK;
        }
    }

    private static DiskPlan plan(String disk) {
        if (disk == null || disk.isBlank()) {
            return null;
        }
        boolean looksLikeSize = disk.matches("\\d+([KkMmGg]([Ii]?[Bb])?|[Bb])?");
        if (looksLikeSize) {
            long bytes = size(disk, "--disk");
            if (bytes % SECTOR != 0 || bytes < 16 * SECTOR || bytes > MAX_DISK) {
                throw new HostException("--disk " + disk + ": a disk is a whole number of 512-byte sectors, from 8K to 128G");
            }
            return new DiskPlan(bytes, null);
        }
        Path path = Path.of(disk).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new HostException("--disk " + disk + ": no such file (give a size such as 32M to create a new disk)");
        }
        if (!Files.isRegularFile(path)) {
            throw new HostException("--disk " + disk + ": not a regular file");
        }
        if (!Files.isReadable(path) || !Files.isWritable(path)) {
            throw new HostException("--disk " + disk + ": the disk must be readable and writable by hvlab");
        }
        long bytes;
        try {
            bytes = Files.size(path);
        } catch (IOException e) {
            throw new HostException("--disk " + disk + ": " + VmStore.reason(e));
        }
        if (bytes < 16 * SECTOR || bytes % SECTOR != 0 || bytes > MAX_DISK) {
            throw new HostException("--disk " + disk + ": " + bytes + " bytes is not a disk (a whole number of 512-byte sectors, at least 8K)");
        }
        return new DiskPlan(0, path);
    }
}
