package hvlab.vmm.snapshot;

import java.time.Instant;

/**
 * One snapshot of a VM, as {@code snapshot.json} in its folder: its place in the VM's snapshot
 * tree and what it holds.
 *
 * @param id           a short random name for the folder
 * @param name         the name the user gave it (unique per VM)
 * @param parent       the snapshot this one's memory and disk are relative to, or null (a root)
 * @param vmState      what the VM was when taken: "running", "paused" or "defined" (shut off:
 *                     then there is no machine or memory, only the disk)
 * @param diskLayer    the disk layer frozen for this snapshot, relative to the VM's folder, or null
 * @param fullMemory   true if memory.pages holds all of RAM; false if only the pages that differ
 *                     from the parent's
 * @param pages        how many pages memory.pages holds
 * @param generationId the VM generation ID at the moment it was taken
 */
public record SnapshotRecord(String id, String name, String parent, Instant created, String vmState, String diskLayer,
                             boolean fullMemory, int pages, long ramBytes, String generationId) {

    public boolean hasMachine() {
        return !"defined".equals(vmState);
    }

    public SnapshotRecord withParent(String newParent, boolean full, int newPages) {
        return new SnapshotRecord(id, name, newParent, created, vmState, diskLayer, full, newPages, ramBytes, generationId);
    }
}
