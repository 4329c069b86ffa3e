package hvlab.vmm.host;

import java.time.Instant;

/**
 * A defined VM as the store keeps it: {@code vm.json} in the VM's folder. The guest image is
 * copied into the folder when the VM is created ({@code image.bin}), so the VM boots the same
 * code whatever happens to the file it came from; {@code guest} records where that was.
 *
 * @param disk   the raw disk image: a file in the VM's folder (created from a size) or a path
 *               given by the user; null for no disk
 */
public record VmDefinition(String name, String uuid, String guest, long memoryBytes, String mode, String disk,
                           int weight, int cap, Instant created) {

    public VmDefinition withShares(int weight, int cap) {
        return new VmDefinition(name, uuid, guest, memoryBytes, mode, disk, weight, cap, created);
    }
}
