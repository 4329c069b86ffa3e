package hvlab.vmm.image.ova;

import hvlab.vmm.host.VmDefinition;
import hvlab.vmm.image.ova.OvaLayout.Payload;

import java.time.Instant;
import java.util.List;

/**
 * What an OVF descriptor says about one hvlab VM, as {@link DescriptorWriter} writes it and
 * {@link DescriptorReader} reads it back: the VM's configuration and identity, whether it was
 * running, its disk's capacity, the files of the package and, for an encrypted image, how its key
 * is derived.
 *
 * @param state        {@code running}, {@code paused} or {@code off}: a running or paused VM
 *                     carries its machine and memory and resumes where it was
 * @param diskCapacity the disk's size in bytes, 0 for a VM without a disk
 * @param files        the References, in archive order
 * @param encryption   how the payload was encrypted, or null when it was not
 * @param machine      what kind of VM it is beyond its size: a closed box, an MP machine
 */
public record OvfDescriptor(String name, String uuid, String guest, long memoryBytes, String mode, int weight, int cap,
                            Instant created, String mac, String generationId, String state, long diskCapacity,
                            List<FileRef> files, Encryption encryption, Machine machine) {

    /**
     * The VM's kind, which must survive a trip through an image. A closed box above all: were the
     * flag lost on import, exporting and importing a Terra closed-box VM would turn it into an
     * open box that the VMM may introspect (its vTPM's PCR 5 would then tell, but only a tenant
     * who attests would notice). An image written before these existed says none of them.
     *
     * @param closedBox Terra's closed box: the VMM may not look inside
     * @param apic      an MP machine with local and I/O APICs (xv6's)
     * @param keyboard  typed text reaches the PS/2 keyboard too
     */
    public record Machine(boolean closedBox, boolean apic, boolean keyboard) {
    }

    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String OFF = "off";

    public OvfDescriptor {
        files = List.copyOf(files);
    }

    /**
     * One File element of the References (DSP0243 7.1): a file of the package by id, name and size.
     *
     * @param size      the size as stored in the archive (ciphertext when encrypted)
     * @param encrypted whether the stored bytes are ciphertext ({@code hvlab:encrypted="true"})
     */
    public record FileRef(Payload payload, String href, long size, boolean encrypted) {}

    /**
     * How the payload key comes from a passphrase (PBKDF2, RFC 8018) and how files are cut into
     * GCM segments; {@code keyCheck} tells a wrong passphrase from a damaged file.
     */
    public record Encryption(int iterations, byte[] salt, int segmentBytes, byte[] keyCheck) {
        public static final String CIPHER = "AES-256-GCM";
        public static final String KDF = "PBKDF2WithHmacSHA256";

        public Encryption {
            salt = salt.clone();
            keyCheck = keyCheck.clone();
        }

        @Override
        public byte[] salt() {
            return salt.clone();
        }

        @Override
        public byte[] keyCheck() {
            return keyCheck.clone();
        }
    }

    static OvfDescriptor of(VmDefinition d, String state, long diskCapacity, List<FileRef> files, Encryption encryption) {
        return new OvfDescriptor(d.name(), d.uuid(), d.guest(), d.memoryBytes(), d.mode(), d.weight(), d.cap(), d.created(),
                d.mac(), d.generationId(), state, diskCapacity, files, encryption,
                new Machine(d.closedBox(), d.apic(), d.keyboard()));
    }

    /** The VM this describes; its disk is set by the host when it installs the disk file. */
    public VmDefinition definition() {
        return new VmDefinition(name, uuid, guest, memoryBytes, mode, null, weight, cap, created, mac, generationId,
                machine.closedBox(), null, machine.apic(), machine.keyboard());
    }

    public FileRef file(Payload payload) {
        return files.stream().filter(f -> f.payload() == payload).findFirst().orElse(null);
    }

    public boolean encrypted() {
        return encryption != null;
    }

    public String descriptorName() {
        return OvaLayout.descriptor(name);
    }
}
