package hvlab.vmm.host;

import java.time.Instant;

/**
 * A defined VM as the store keeps it: {@code vm.json} in the VM's folder. The guest image is
 * copied into the folder when the VM is created ({@code image.bin}), so the VM boots the same
 * code whatever happens to the file it came from; {@code guest} records where that was.
 *
 * <p>Three values make a VM <em>this</em> machine rather than a copy of it (paper IV.E.1, loss of
 * uniqueness): its {@code uuid} (the SMBIOS system UUID of a real PC), its {@code mac} address
 * (for the network), and its {@code generationId}, Microsoft's VM Generation ID: 128 bits the
 * guest can read, changed whenever the VM is copied or rolled back, so a guest can notice and,
 * say, reseed its random numbers instead of repeating them.
 *
 * @param disk the disk the VM writes to: a file in the VM's folder (created from a size, or the
 *             top copy-on-write layer once it has snapshots) or a path the user gave; null for none
 * @param closedBox a closed-box VM (Terra, Garfinkel et al. 2003): its configuration, measured into
 *             its vTPM, says the VMM may not look inside it, and the host refuses introspection
 * @param network the host network (a private network on the host's switch) its NIC is plugged into; null for no NIC
 * @param apic    an MP machine (local and I/O APIC, MP table), as xv6 needs (GUESTS.md, "APICs and the MP table")
 * @param keyboard text typed into the VM also reaches its PS/2 keyboard as scancodes, besides COM1
 * @param ifMirror the real interrupt flag follows the guest's, so that PUSHF tells the truth in trap
 *             mode (trap/InterruptFlagMirror): how xv6 runs under trap-and-emulate
 */
public record VmDefinition(String name, String uuid, String guest, long memoryBytes, String mode, String disk,
                           int weight, int cap, Instant created, String mac, String generationId, boolean closedBox,
                           String network, boolean apic, boolean keyboard, boolean ifMirror) {

    /** Without interrupt-flag mirroring, as every VM defined before it existed. */
    public VmDefinition(String name, String uuid, String guest, long memoryBytes, String mode, String disk,
                        int weight, int cap, Instant created, String mac, String generationId, boolean closedBox,
                        String network, boolean apic, boolean keyboard) {
        this(name, uuid, guest, memoryBytes, mode, disk, weight, cap, created, mac, generationId, closedBox, network, apic, keyboard, false);
    }

    /** A plain PC (no APICs, typing on COM1 only), as every VM defined before they existed. */
    public VmDefinition(String name, String uuid, String guest, long memoryBytes, String mode, String disk,
                        int weight, int cap, Instant created, String mac, String generationId, boolean closedBox,
                        String network) {
        this(name, uuid, guest, memoryBytes, mode, disk, weight, cap, created, mac, generationId, closedBox, network, false, false);
    }

    /** A VM without a network card. */
    public VmDefinition(String name, String uuid, String guest, long memoryBytes, String mode, String disk,
                        int weight, int cap, Instant created, String mac, String generationId, boolean closedBox) {
        this(name, uuid, guest, memoryBytes, mode, disk, weight, cap, created, mac, generationId, closedBox, null);
    }

    /** An open-box VM. */
    public VmDefinition(String name, String uuid, String guest, long memoryBytes, String mode, String disk,
                        int weight, int cap, Instant created, String mac, String generationId) {
        this(name, uuid, guest, memoryBytes, mode, disk, weight, cap, created, mac, generationId, false);
    }

    public VmDefinition withShares(int weight, int cap) {
        return new VmDefinition(name, uuid, guest, memoryBytes, mode, disk, weight, cap, created, mac, generationId, closedBox, network, apic, keyboard, ifMirror);
    }

    public VmDefinition withDisk(String disk) {
        return new VmDefinition(name, uuid, guest, memoryBytes, mode, disk, weight, cap, created, mac, generationId, closedBox, network, apic, keyboard, ifMirror);
    }

    public VmDefinition withGenerationId(String generationId) {
        return new VmDefinition(name, uuid, guest, memoryBytes, mode, disk, weight, cap, created, mac, generationId, closedBox, network, apic, keyboard, ifMirror);
    }

    /** The same VM with its NIC on {@code network} (null: no NIC). */
    public VmDefinition withNetwork(String network) {
        return new VmDefinition(name, uuid, guest, memoryBytes, mode, disk, weight, cap, created, mac, generationId, closedBox, network, apic, keyboard, ifMirror);
    }

    /** A different machine with the same contents: new name, UUID, MAC and generation ID. */
    public VmDefinition asCopy(String newName) {
        return new VmDefinition(newName, Identity.newUuid(), guest, memoryBytes, mode, disk, weight, cap, Instant.now(),
                Identity.newMac(), Identity.newGenerationId(), closedBox, network, apic, keyboard, ifMirror);
    }

    /** The same machine under another name (an import or a restore): its identity stays. */
    public VmDefinition renamed(String newName) {
        return new VmDefinition(newName, uuid, guest, memoryBytes, mode, disk, weight, cap, created, mac, generationId, closedBox, network, apic, keyboard, ifMirror);
    }
}
