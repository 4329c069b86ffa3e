package hvlab.vmmm.replication;

import hvlab.vmm.host.Checkpointing;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.migration.MigrationException;
import hvlab.vmmm.migration.Placement;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.protocol.Message.*;
import hvlab.vmmm.protocol.ProtocolException;
import hvlab.vmmm.tls.Tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The primary side of a Remus replication (Cully et al., NSDI 2008): over the same TLS as
 * migration (the backup must prove its name), an offer and a full first checkpoint, then one
 * checkpoint per epoch, each answered by an acknowledgement that releases the VM's output up to it
 * ({@link Checkpointing}). The VM runs on while a checkpoint travels (speculative execution).
 *
 * <p>If the backup goes away (it refused a checkpoint, it died, the link broke), the VM runs on
 * here unprotected, its output released, and its history says so. If the VM stops here, the
 * backup is told (a {@link Failure}), so that it does not mistake a person's power-off for a crash.
 */
public final class Primary {
    static final int CONNECT_MILLIS = 10_000;
    /** How long the primary waits for an acknowledgement before it gives up on its backup. */
    static final long ACK_MILLIS = 10_000;
    /** Epochs shorter than this would keep the VM held more than it runs (a pause is 1-3 ms). */
    public static final long MIN_EPOCH_MILLIS = 10;
    /** The backup takes a silence of some epochs for the primary's death: epochs must be well inside it. */
    public static final long MAX_EPOCH_MILLIS = 1_000;
    /** Checkpoints that may be unacknowledged at once before the next one waits. */
    static final int IN_FLIGHT = 4;
    /** A {@link Heartbeat} goes when nothing else went for this long; the backup waits at least 2 s. */
    static final long HEARTBEAT_MILLIS = 250;

    private final Host host;
    private final String vm;
    private final String backup;
    private final long epochMillis;
    private final Checkpointing checkpointing;
    private final Frames link;
    private volatile boolean killed;
    private volatile boolean stopping;
    private volatile boolean over;
    private Thread thread;
    /** Checkpoints sent and not yet acknowledged: epoch, console position, when it was taken. */
    private final Queue<long[]> inFlight = new ConcurrentLinkedQueue<>();
    private final Semaphore window = new Semaphore(IN_FLIGHT);
    private volatile long lastRoundTripMicros;
    private volatile long lastSent = System.nanoTime();
    private volatile long sent;
    private volatile long acked;
    private volatile long lastPauseMicros;
    private volatile long pauseMicros;
    private volatile long lastBytes;
    private volatile long bytesAfterFirst;
    private volatile long consoleTotal;
    private volatile String state = "replicating";

    private Primary(Host host, String vm, String backup, long epochMillis, Checkpointing checkpointing, Frames link) {
        this.host = host;
        this.vm = vm;
        this.backup = backup;
        this.epochMillis = epochMillis;
        this.checkpointing = checkpointing;
        this.link = link;
    }

    /**
     * Starts replicating {@code vm} to host {@code backup} at {@code address}: returns once the
     * backup holds the first checkpoint, with epochs going on in a thread of their own. A refusal
     * is a {@link ReplicationException} whose one line says the VM runs on here unreplicated.
     */
    static Primary start(Host host, Tls tls, String vm, String backup, InetSocketAddress address, long epochMillis) {
        if (backup.equals(host.name())) {
            throw new ReplicationException("a replica is never on its primary's host: '" + vm + "' runs on " + backup
                    + " (a crash of the host would take both)");
        }
        if (epochMillis < MIN_EPOCH_MILLIS || epochMillis > MAX_EPOCH_MILLIS) {
            throw new ReplicationException("an epoch of " + epochMillis + " ms: take " + MIN_EPOCH_MILLIS + " to " + MAX_EPOCH_MILLIS + " ms");
        }
        if (!host.hasVm(vm)) {
            throw new ReplicationException("no VM named '" + vm + "' on host " + host.name());
        }
        Placement placement;
        try {
            placement = Placement.read(host.store().folder(vm), host.name());
        } catch (MigrationException e) {
            throw new ReplicationException(e.getMessage());
        }
        if (placement.refusal(vm, backup) != null) {
            throw new ReplicationException(placement.refusal(vm, backup) + ": it may not have a backup there");
        }
        Checkpointing checkpointing;
        try {
            checkpointing = host.replicate(vm);
        } catch (HostException e) {
            throw new ReplicationException(e.getMessage());
        }
        Frames link = null;
        try {
            link = new Frames(tls.connect(address, backup, CONNECT_MILLIS), ACK_MILLIS);
            link.send(new ReplicaOffer(host.name(), Json.MAPPER.writeValueAsBytes(checkpointing.definition()), checkpointing.image(),
                    placement.allowedHosts(), placement.locations(), checkpointing.history(), Math.toIntExact(epochMillis)));
            expect(link.receive(), Accept.class, backup);
            Primary primary = new Primary(host, vm, backup, epochMillis, checkpointing, link);
            primary.first();
            primary.thread = Thread.ofVirtual().name("hvlab-replicate-" + vm).start(primary::run);
            return primary;
        } catch (IOException | RuntimeException e) {
            String why = reason(e);
            checkpointing.end("cannot start: " + why, "replication");
            if (link != null) link.close();
            throw new ReplicationException("cannot replicate '" + vm + "' to " + backup + ": " + why + "; '" + vm
                    + "' runs on " + host.name() + " unreplicated");
        }
    }

    /**
     * The epochs after the first, pipelined as Remus does: a checkpoint goes every period whether
     * or not the last one was acknowledged yet (up to {@link #IN_FLIGHT} unacknowledged), and
     * acknowledgements are read by a thread of their own ({@link #readAcks}). A round trip slower
     * than an epoch then delays the output, not the checkpoints.
     */
    private void run() {
        long period = epochMillis * 1_000_000L;
        long next = System.nanoTime() + period;
        Thread.ofVirtual().name("hvlab-replicate-acks-" + vm).start(this::readAcks);
        Thread.ofVirtual().name("hvlab-replicate-heartbeat-" + vm).start(this::heartbeat);
        try {
            while (!killed && !stopping && !over) {
                long wait = next - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                if (stopping || killed || over) break;
                next = Math.max(next + period, System.nanoTime());
                if (!window.tryAcquire(ACK_MILLIS, TimeUnit.MILLISECONDS)) {
                    throw new ProtocolException(backup + " acknowledged nothing for " + ACK_MILLIS / 1000 + " s");
                }
                if (stopping || killed || over) break;
                epoch();
            }
            if (stopping) {
                end("ended: stopped by the manager", "stopped by the manager", "manager",
                        new Failure("the replication of '" + vm + "' was stopped on " + host.name()));
            }
        } catch (HostException e) {
            // the VM stopped here (a person's power-off, a guest's crash): not a failure of this host
            end("ended: " + e.getMessage(), e.getMessage(), "replication",
                    new Failure("'" + vm + "' stopped on " + host.name() + ": " + e.getMessage()));
        } catch (IOException | RuntimeException | InterruptedException e) {
            lost(e);
        }
    }

    /**
     * Tells the backup this process is alive when no checkpoint went for {@link #HEARTBEAT_MILLIS}:
     * a checkpoint waits for the host's lock, which a power action or a forced write to a slow
     * disk may hold for seconds, and a late checkpoint must not look like a dead host.
     */
    private void heartbeat() {
        while (!over && !killed) {
            LockSupport.parkNanos(HEARTBEAT_MILLIS * 1_000_000);
            if (over || killed) return;
            if (System.nanoTime() - lastSent > HEARTBEAT_MILLIS * 1_000_000) {
                try {
                    link.send(new Heartbeat());
                    lastSent = System.nanoTime();
                } catch (IOException | RuntimeException e) {
                    return; // the epochs' thread or the acknowledgements' reader sees the end
                }
            }
        }
    }

    /** Acknowledgements, in order, each releasing the output up to its checkpoint. */
    private void readAcks() {
        try {
            while (!over) {
                CheckpointAck ack = expect(link.receive(ACK_MILLIS), CheckpointAck.class, backup);
                long[] expected = inFlight.poll();
                if (expected == null || ack.epoch() != expected[0]) {
                    throw new ProtocolException(backup + " acknowledged epoch " + ack.epoch() + " where "
                            + (expected == null ? "none" : Long.toString(expected[0])) + " was awaited");
                }
                checkpointing.acknowledged(ack.epoch());
                acked = ack.epoch() + 1;
                consoleTotal = expected[1];
                lastRoundTripMicros = (System.nanoTime() - expected[2]) / 1000;
                window.release();
            }
        } catch (IOException | RuntimeException e) {
            lost(e);
        }
    }

    /** The backup went away (or lied): the VM runs on here unprotected, its output released. */
    private void lost(Exception e) {
        end("ended: the backup went away (" + reason(e) + "); '" + vm + "' runs on unreplicated",
                "the backup " + backup + " went away: " + reason(e), "replication", null);
    }

    /** Ends the replication once, whichever thread sees the end first; nothing is done for a killed host. */
    private synchronized void end(String status, String reason, String actor, Failure tell) {
        if (over || killed) return;
        over = true;
        state = status;
        if (tell != null) {
            try {
                link.send(tell);
            } catch (IOException | RuntimeException ignored) {
                // the backup will see the connection close
            }
        }
        checkpointing.end(reason, actor);
        link.close();
        LockSupport.unpark(thread);
    }

    /** One epoch: checkpoint (the VM held off its CPU only while its dirty pages are copied), send. */
    private void epoch() throws IOException {
        long started = System.nanoTime();
        Checkpointing.Checkpoint checkpoint = checkpointing.take();
        int epoch = Math.toIntExact(checkpoint.epoch());
        inFlight.add(new long[] {epoch, checkpoint.consoleTotal(), started});
        long bytes = CheckpointPages.send(link, epoch, checkpoint.pages()) + checkpoint.machine().length;
        link.send(new Checkpoint(epoch, checkpoint.pages().size(), checkpoint.consoleTotal(), checkpoint.machine()));
        lastSent = System.nanoTime();
        sent = epoch + 1;
        lastPauseMicros = checkpoint.pauseNanos() / 1000;
        pauseMicros += lastPauseMicros;
        lastBytes = bytes;
        if (epoch > 0) bytesAfterFirst += bytes;
    }

    /** Epoch 0, before the pipeline starts: all of RAM, acknowledged before replication is reported started. */
    private void first() throws IOException {
        epoch();
        CheckpointAck ack = expect(link.receive(), CheckpointAck.class, backup);
        long[] expected = inFlight.poll();
        if (ack.epoch() != 0 || expected == null) {
            throw new ProtocolException(backup + " acknowledged epoch " + ack.epoch() + " where 0 was sent");
        }
        checkpointing.acknowledged(0);
        acked = 1;
        consoleTotal = expected[1];
        lastRoundTripMicros = (System.nanoTime() - expected[2]) / 1000;
    }

    /**
     * This host dies as if its process were killed: the VM is held for good, its unacknowledged
     * output never shown, and the link cut without a word, so the backup takes over.
     */
    void kill() {
        if (over) return; // ended in order before: nothing of it is left to kill
        killed = true;
        checkpointing.die();
        link.close();
        state = "killed";
        window.release(IN_FLIGHT); // wakes the epochs' thread wherever it waits
        LockSupport.unpark(thread);
    }

    /** A person ends the replication: the backup is told and drops its replica; the VM runs on here. */
    void stop() {
        stopping = true;
        window.release(IN_FLIGHT);
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean active() {
        return !over && !killed;
    }

    ReplicaStatus status() {
        long after = Math.max(0, acked - 1);
        return new ReplicaStatus(vm, "primary", backup, epochMillis, sent, acked, lastPauseMicros, pauseMicros / Math.max(1, sent), lastRoundTripMicros, lastBytes,
                after == 0 ? 0 : bytesAfterFirst / Math.max(1, sent - 1), consoleTotal, state);
    }

    static <T extends Message> T expect(Message message, Class<T> wanted, String peer) throws ProtocolException {
        if (message instanceof Failure f) {
            throw new ReplicationException(peer + " refused: " + f.reason());
        }
        if (!wanted.isInstance(message)) {
            throw new ProtocolException(peer + " sent " + message.getClass().getSimpleName() + " where " + wanted.getSimpleName() + " belongs");
        }
        return wanted.cast(message);
    }

    static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e instanceof java.net.SocketException || e instanceof java.io.EOFException ? "the connection broke: " + message : message;
    }
}
