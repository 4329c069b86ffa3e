package hvlab.vmmm.replication;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.VmDefinition;
import hvlab.vmmm.migration.Arrival;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.migration.Placement;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.protocol.Message.*;

import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The backup side of a Remus replication: keeps the primary's last whole checkpoint in memory
 * ({@link ReplicaImage}, not running) and acknowledges each one. When the primary goes silent (its
 * connection drops, or no message comes within {@link #heartbeatMillis}: checkpoints come many
 * times a second, so they are the heartbeat), this host builds the VM from the last checkpoint and
 * runs it: failover. The console it resumes with is the one in that checkpoint, which is exactly
 * what the world may have seen (output commit, {@code Checkpointing}).
 *
 * <p>Three ends that are not a failover: the primary says the VM stopped ({@link Failure}: the
 * replica is dropped), a message is refused (one line back to the primary, the last good
 * checkpoint kept, and nothing started: the primary is alive and runs the VM), and this host
 * itself shutting down.
 *
 * <p>Remus's own caveat holds: a backup that stops hearing a live primary (a partition, not a
 * crash) starts a second copy. Telling the two apart needs a third party, which Remus leaves out.
 */
final class Backup {
    /** How long a silent primary is given before the backup takes over. */
    static final long MIN_HEARTBEAT_MILLIS = 2_000;

    private final Host host;
    private final Frames link;
    private final Replicas book;
    private final String primary;
    private final ReplicaOffer offer;
    private VmDefinition definition;
    private volatile ReplicaImage image;
    private long arriving;
    private volatile long lastBytes;
    private volatile long bytesAfterFirst;
    private volatile String state = "receiving the first checkpoint";
    private volatile boolean superseded;

    Backup(Host host, Frames link, Replicas book, ReplicaOffer offer, String provenPeer) {
        this.host = host;
        this.link = link;
        this.book = book;
        this.offer = offer;
        this.primary = provenPeer;
    }

    String vm() {
        return definition == null ? "?" : definition.name();
    }

    /** The offer's checks, then checkpoints until the primary stops or goes silent. */
    void serve() throws IOException {
        try {
            definition = Json.MAPPER.readValue(offer.definitionJson(), VmDefinition.class);
        } catch (IOException e) {
            throw refuse("the offered VM's definition is not valid: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (definition.name() == null || definition.memoryBytes() <= 0 || definition.memoryBytes() > Arrival.MAX_RAM
                || definition.memoryBytes() % Codec.PAGE != 0) {
            throw refuse("the offered VM's memory size " + definition.memoryBytes() + " is not 4 KiB pages up to " + (Arrival.MAX_RAM >> 20) + " MiB");
        }
        String vm = definition.name();
        if (!offer.from().equals(primary)) {
            throw refuse("'" + primary + "' offers a replica as '" + offer.from() + "'");
        }
        if (primary.equals(host.name())) {
            throw refuse("a replica is never on its primary's host (" + primary + ")");
        }
        if (host.hasVm(vm)) {
            throw refuse("a VM named '" + vm + "' already exists on host " + host.name());
        }
        if (definition.network() != null) {
            try {
                host.network().show(definition.network()); // a failover must find its network here
            } catch (HostException e) {
                throw refuse("'" + vm + "' is on network " + definition.network() + ": " + e.getMessage());
            }
        }
        String refused = new Placement(offer.allowedHosts(), offer.locations()).refusal(vm, host.name());
        if (refused != null) {
            throw refuse(refused);
        }
        image = new ReplicaImage(definition.memoryBytes());
        try {
            book.holding(this);
        } catch (ReplicationException e) {
            throw refuse(e.getMessage());
        }
        link.send(new Accept());
        long heartbeat = heartbeatMillis(offer.epochMillis());
        while (true) {
            Message message;
            try {
                message = link.receive(heartbeat);
            } catch (IOException e) {
                lost(e);
                return;
            }
            try {
                switch (message) {
                    case Pages pages -> {
                        image.stage(pages);
                        arriving += pages.data().length;
                    }
                    case Checkpoint checkpoint -> {
                        image.seal(checkpoint);
                        lastBytes = arriving + checkpoint.machine().length;
                        arriving = 0;
                        if (checkpoint.epoch() > 0) bytesAfterFirst += lastBytes;
                        link.send(new CheckpointAck(checkpoint.epoch()));
                        state = "replicating";
                    }
                    case Heartbeat h -> { } // alive: receiving it was the point
                    case Failure f -> {
                        state = "ended: the primary said " + f.reason();
                        return;
                    }
                    default -> throw new ReplicationException(message.getClass().getSimpleName() + " in a replication stream");
                }
            } catch (ReplicationException e) {
                image.discardPartial();
                arriving = 0;
                state = "refused: " + e.getMessage() + " (the checkpoint of epoch " + image.epoch() + " is kept; nothing runs here)";
                refuse(e.getMessage());
                return;
            }
        }
    }

    String primary() {
        return primary;
    }

    /** Still receiving checkpoints: a failover may yet come from it. */
    boolean holding() {
        return state.startsWith("replicating") || state.startsWith("receiving");
    }

    /** A newer offer for the same VM came: this stream's end is not a failover. */
    void superseded() {
        superseded = true;
    }

    /** The primary is gone (no word within the heartbeat, or its connection dropped): take over. */
    private void lost(IOException why) {
        image.discardPartial(); // an epoch cut off mid-way never happened
        if (book.dying()) {
            state = "ended: this host shut down";
            return;
        }
        if (superseded) {
            state = "ended: a newer replication of '" + vm() + "' took its place";
            return;
        }
        if (image.epoch() < 0) {
            state = "ended: the primary went away before its first checkpoint was whole";
            return;
        }
        String reason = why instanceof EOFException || why instanceof java.net.SocketException
                ? "its connection dropped" : why.getMessage();
        state = "failing over from epoch " + image.epoch();
        try {
            failover(reason);
            state = "failed over at epoch " + image.epoch() + ": '" + vm() + "' runs here (" + primary + ": " + reason + ")";
        } catch (HostException | IOException e) {
            state = "failover failed: " + e.getMessage();
        }
    }

    /** The VM built from the last whole checkpoint, and run: Remus's failover. */
    private void failover(String reason) throws IOException {
        String vm = definition.name();
        host.prepareArrival(definition, offer.image(), offer.history());
        try {
            image.forEachPage((page, data) -> host.arrivingPage(vm, page, data));
            host.arrive(vm, image.machine(), offer.history());
            new Placement(offer.allowedHosts(), offer.locations()).arrivedAt(host.name()).write(host.store().folder(vm));
            host.runArrived(vm);
        } catch (RuntimeException e) {
            host.abandonArrival(vm);
            throw e instanceof HostException h ? h : new HostException(e.getMessage());
        }
        host.record(vm, "failover", Map.of("from", primary, "epoch", image.epoch(), "reason", reason, "actor", "replication"));
    }

    private ReplicationException refuse(String reason) {
        try {
            link.send(new Failure(reason));
        } catch (IOException ignored) {
            // the primary will see the connection close instead
        }
        return new ReplicationException(reason);
    }

    static long heartbeatMillis(int epochMillis) {
        return Math.max(MIN_HEARTBEAT_MILLIS, 20L * Math.max(1, epochMillis));
    }

    ReplicaStatus status() {
        ReplicaImage held = image;
        long epochs = held == null ? 0 : held.epoch() + 1;
        return new ReplicaStatus(vm(), "backup", primary, offer.epochMillis(), epochs, epochs, 0, 0, 0, lastBytes,
                epochs <= 1 ? 0 : bytesAfterFirst / (epochs - 1), held == null ? 0 : held.consoleTotal(), state);
    }

    /** The last whole checkpoint's epoch (-1: none yet), for tests and status. */
    int epoch() {
        return image == null ? -1 : image.epoch();
    }

    List<String> history() {
        return offer.history();
    }
}
