package hvlab.vmmm.replication;

import hvlab.vmm.host.Host;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message.ReplicaOffer;
import hvlab.vmmm.tls.Tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A host's replications, both sides: the VMs it runs and replicates elsewhere ({@link Primary}),
 * and the replicas it holds for other hosts ({@link Backup}). One book per {@link Host} object,
 * found with {@link #of}, so that the host's server and its management calls share it.
 */
public final class Replicas {
    private static final Map<Host, Replicas> BOOKS = new ConcurrentHashMap<>();

    private final Host host;
    private final Map<String, Primary> primaries = new ConcurrentHashMap<>();
    private final Map<String, Backup> backups = new ConcurrentHashMap<>();
    private volatile boolean dying;

    private Replicas(Host host) {
        this.host = host;
    }

    public static Replicas of(Host host) {
        return BOOKS.computeIfAbsent(host, Replicas::new);
    }

    /**
     * Starts replicating {@code vm} (running here) to {@code backup} at {@code address}, the backup
     * proving its name over TLS; returns once the backup holds the first checkpoint.
     */
    public ReplicaStatus replicate(Tls tls, String vm, String backup, InetSocketAddress address, long epochMillis) {
        Primary running = primaries.get(vm);
        if (running != null && running.active()) {
            throw new ReplicationException("'" + vm + "' is replicated to " + running.status().peer() + " already");
        }
        Primary primary = Primary.start(host, tls, vm, backup, address, epochMillis);
        primaries.put(vm, primary);
        return primary.status();
    }

    /** Stops replicating {@code vm}: its backup drops the replica, and it runs on here unreplicated. */
    public ReplicaStatus stop(String vm) {
        Primary primary = primaries.get(vm);
        if (primary == null || !primary.active()) {
            throw new ReplicationException("'" + vm + "' is not replicated from host " + host.name());
        }
        primary.stop();
        return primary.status();
    }

    /** Serves a {@link ReplicaOffer} that came on {@code link} from host {@code peer} (its proven name). */
    public void serveBackup(ReplicaOffer offer, String peer, Frames link) throws IOException {
        new Backup(host, link, this, offer, peer).serve();
    }

    /**
     * Registers a replica this host now holds. A new stream from the same primary for the same VM
     * replaces the old one (which must then never start a copy); another host may not take over a
     * replica that is still held, or it could silence a real failover.
     */
    synchronized void holding(Backup backup) {
        Backup before = backups.get(backup.vm());
        if (before != null && before.holding() && !before.primary().equals(backup.primary())) {
            throw new ReplicationException("host " + host.name() + " already holds a replica of '" + backup.vm() + "' for "
                    + before.primary());
        }
        if (before != null) {
            before.superseded();
        }
        backups.put(backup.vm(), backup);
    }

    /** Every replication of this host, as primary and as backup. */
    public List<ReplicaStatus> status() {
        List<ReplicaStatus> all = new ArrayList<>();
        primaries.values().forEach(p -> all.add(p.status()));
        backups.values().forEach(b -> all.add(b.status()));
        all.sort(java.util.Comparator.comparing(ReplicaStatus::vm).thenComparing(ReplicaStatus::role));
        return all;
    }

    /** Is {@code vm} replicated from this host now? */
    public boolean replicating(String vm) {
        Primary primary = primaries.get(vm);
        return primary != null && primary.active();
    }

    /** The epoch of the last whole checkpoint held for {@code vm}, -1 if none (tests look). */
    public int heldEpoch(String vm) {
        Backup backup = backups.get(vm);
        return backup == null ? -1 : backup.epoch();
    }

    boolean dying() {
        return dying;
    }

    /** This host is going down with the others of its process: the replicas it holds are dropped, not started. */
    public static void shuttingDown(Host host) {
        Replicas book = BOOKS.get(host);
        if (book != null) book.dying = true;
    }

    /**
     * The host goes down as a killed process would: every VM it replicates is held for good with
     * its unacknowledged output unseen, every stream is cut without a word (their backups take
     * over), and the replicas it holds are dropped, not started.
     */
    public static void kill(Host host) {
        Replicas book = BOOKS.remove(host);
        if (book == null) return;
        book.dying = true;
        book.primaries.values().forEach(Primary::kill);
    }
}
