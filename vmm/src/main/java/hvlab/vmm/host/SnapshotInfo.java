package hvlab.vmm.host;

import java.time.Instant;

/**
 * A snapshot as {@code snapshot list} reports it.
 *
 * @param parent  the name of the snapshot it descends from, or null for a root
 * @param current true for the snapshot the running VM descends from ("you are here")
 * @param pages   the memory pages it keeps itself (all of RAM for a full one)
 */
public record SnapshotInfo(String vm, String name, String id, String parent, Instant created, String vmState,
                           boolean fullMemory, int pages, boolean hasDiskLayer, boolean current) {}
