package hvlab.vmmm.replication;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.LiveExport;
import hvlab.vmm.snapshot.PageSet;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.migration.Placement;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message.*;
import hvlab.vmmm.tls.Tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;

/**
 * The primary's half of replication (paper IV.D: a VMM can keep a running copy elsewhere; Remus,
 * Cully et al. 2008): every epoch the VM is held off its CPUs while the pages it wrote and its
 * machine state are copied, runs on, and the copy goes to the backup host, which keeps the last
 * complete checkpoint and, if the primary falls silent, runs the VM from it.
 *
 * <p>What Remus has and this does not: its output commit (the network packets a VM sends are held
 * until the checkpoint that produced them is acknowledged). Here the console's output is not held,
 * so after a failover the guest repeats what it printed since the last checkpoint: the very
 * problem output commit solves, to be seen.
 */
public final class Replicator implements Runnable {
    static final int CONNECT_MILLIS = 10_000;
    static final long FRAME_MILLIS = 30_000;

    private final Host host;
    private final Tls tls;
    private final String vm;
    private final String backup;
    private final InetSocketAddress address;
    private final long epochMillis;
    private volatile boolean stopping;
    private volatile ReplicaStatus status;

    private final LiveExport export;

    /** {@code export}: taken by the caller, so that a VM that cannot be sent away is refused at once. */
    Replicator(Host host, Tls tls, LiveExport export, String vm, String backup, InetSocketAddress address, long epochMillis) {
        this.host = host;
        this.export = export;
        this.tls = tls;
        this.vm = vm;
        this.backup = backup;
        this.address = address;
        this.epochMillis = epochMillis;
        this.status = new ReplicaStatus(vm, backup, "starting", 0, 0, 0, epochMillis);
    }

    ReplicaStatus status() {
        return status;
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        long epochs = 0;
        String end = "stopped";
        try (Socket socket = tls.connect(address, backup, CONNECT_MILLIS); Frames link = new Frames(socket, FRAME_MILLIS)) {
            Placement placement = Placement.read(host.store().folder(vm), host.name());
            link.send(new Hello("replica", host.name(), Codec.VERSION));
            link.send(new Offer(host.name(), Json.MAPPER.writeValueAsBytes(export.definition()), export.image(), placement.locations(),
                    placement.allowedHosts(), export.history()));
            expect(link.receive(), Accept.class);
            while (!stopping) {
                long started = System.nanoTime();
                LiveExport.Final checkpoint;
                try {
                    checkpoint = export.checkpoint();
                } catch (RuntimeException e) { // HostException mostly; a bug of ours must not look like a death either
                    // the VM was paused, powered off, or its host shut down in order: no failover for that
                    link.send(new Failure("the primary's copy ended: " + e.getMessage()));
                    end = "ended: " + e.getMessage();
                    break;
                }
                long pause = (System.nanoTime() - started) / 1000;
                send(link, epochs, checkpoint.pages());
                link.send(new Finish(checkpoint.machine(), checkpoint.history()));
                expect(link.receive(), Ready.class);
                epochs++;
                status = new ReplicaStatus(vm, backup, "replicating", epochs, checkpoint.pages().size(), pause, epochMillis);
                Thread.sleep(epochMillis);
            }
            if (stopping) link.send(new Failure("replication stopped"));
        } catch (IOException e) {
            end = "lost: " + e.getMessage();
            recordQuietly("replication-lost", Map.of("backup", backup, "reason", String.valueOf(e.getMessage()), "actor", "replication"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            export.stopTracking();
            ReplicaStatus last = status;
            status = new ReplicaStatus(vm, backup, end, epochs, last.lastPages(), last.lastPauseMicros(), epochMillis);
        }
    }

    private void send(Frames link, long epoch, PageSet pages) throws IOException {
        List<Integer> numbers = pages.pageNumbers();
        for (int from = 0; from < numbers.size(); from += Codec.MAX_PAGES_PER_MESSAGE) {
            int count = Math.min(Codec.MAX_PAGES_PER_MESSAGE, numbers.size() - from);
            int[] batch = new int[count];
            byte[] data = new byte[count * Codec.PAGE];
            for (int i = 0; i < count; i++) {
                batch[i] = numbers.get(from + i);
                System.arraycopy(pages.page(batch[i]), 0, data, i * Codec.PAGE, Codec.PAGE);
            }
            link.send(new Pages((int) Math.min(Integer.MAX_VALUE, epoch), batch, data));
        }
    }

    private void expect(hvlab.vmmm.protocol.Message message, Class<?> wanted) throws IOException {
        if (message instanceof Failure f) throw new IOException("the backup " + backup + " refused: " + f.reason());
        if (!wanted.isInstance(message)) throw new IOException("the backup sent " + message.getClass().getSimpleName());
    }

    private void recordQuietly(String event, Map<String, ?> details) {
        try {
            host.record(vm, event, details);
        } catch (RuntimeException gone) {
            // the VM is gone from here
        }
    }
}
