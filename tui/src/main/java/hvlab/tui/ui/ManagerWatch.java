package hvlab.tui.ui;

import hvlab.vmmm.manager.ManagerCommands;
import hvlab.vmmm.patch.PatchStatus;
import hvlab.vmmm.replication.ReplicaStatus;

import java.util.List;

/**
 * What view 7 shows of the manager's own knowledge: the VMs its patch report flags and the
 * replications the hosts run. Asked over the protocol every few seconds by a thread of its own
 * (a host's connection is busy while it migrates a VM; the screen never waits for it), and
 * only while view 7 is shown.
 */
final class ManagerWatch {
    static final long EVERY_MILLIS = 3_000;

    /** The last answers; empty until the first. */
    record Seen(List<PatchStatus> flagged, List<ReplicaStatus> replicas) {}

    private final ManagerCommands manager;
    private volatile Seen seen = new Seen(List.of(), List.of());
    private volatile long wantedAt;
    private volatile boolean asking;

    ManagerWatch(ManagerCommands manager) {
        this.manager = manager;
    }

    /** Called by the refresh while view 7 is shown: asks again when the last answer is old. */
    void wanted() {
        long now = System.currentTimeMillis();
        if (asking || now - wantedAt < EVERY_MILLIS) return;
        wantedAt = now;
        asking = true;
        Thread.ofVirtual().name("hvlab-ui-manager-watch").start(() -> {
            try {
                seen = new Seen(manager.patchStatuses().stream().filter(s -> !s.clean()).toList(), manager.replicaStatuses());
            } catch (java.io.IOException | RuntimeException unreachable) {
                // a host that does not answer now will answer the next time
            } finally {
                asking = false;
            }
        });
    }

    Seen seen() {
        return seen;
    }
}
