package hvlab.vmmm.replication;

import hvlab.vmm.host.Host;
import hvlab.vmmm.tls.Tls;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The replications a host runs as primary, one thread each, by VM. */
public final class Replications {
    /** Epochs shorter than this would keep the VM held more than it runs. */
    public static final long MIN_EPOCH_MILLIS = 20;
    /** The backup takes a silence of a few epochs for the primary's death: epochs must be well inside it. */
    public static final long MAX_EPOCH_MILLIS = 1_000;

    private final Host host;
    private final Tls tls;
    private final Map<String, Replicator> running = new ConcurrentHashMap<>();

    public Replications(Host host, Tls tls) {
        this.host = host;
        this.tls = tls;
    }

    public ReplicaStatus start(String vm, String backup, InetSocketAddress address, long epochMillis) {
        host.info(vm); // one clear line if there is no such VM
        if (backup.equals(host.name())) throw new IllegalArgumentException("'" + vm + "' cannot be its own backup on " + host.name());
        if (epochMillis < MIN_EPOCH_MILLIS || epochMillis > MAX_EPOCH_MILLIS) {
            throw new IllegalArgumentException("an epoch of " + epochMillis + " ms: take " + MIN_EPOCH_MILLIS + " to " + MAX_EPOCH_MILLIS + " ms");
        }
        String refused = hvlab.vmmm.migration.Placement.read(host.store().folder(vm), host.name()).refusal(vm, backup);
        if (refused != null) throw new IllegalArgumentException(refused); // a copy is a location too (IV.E.2)
        hvlab.vmm.host.LiveExport export;
        try {
            export = host.exportLive(vm); // refused here if it is migrating or replicated already, or has a disk
        } catch (hvlab.vmm.host.HostException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        Replicator replicator = new Replicator(host, tls, export, vm, backup, address, epochMillis);
        running.put(vm, replicator);
        Thread.ofVirtual().name("hvlab-replicate-" + vm).start(replicator);
        return replicator.status();
    }

    public ReplicaStatus stop(String vm) {
        Replicator replicator = running.get(vm);
        if (replicator == null) throw new IllegalArgumentException("'" + vm + "' is not replicated from " + host.name());
        replicator.stop();
        return replicator.status();
    }

    public List<ReplicaStatus> list() {
        return running.values().stream().map(Replicator::status).toList();
    }
}
