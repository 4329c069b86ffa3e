package hvlab.vmm.host;

import hvlab.vmm.network.TunnelFrame;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One tunnel between this host's switch and another's, over a TCP connection: a reader thread
 * hands each arriving {@link TunnelFrame} to the switch, a writer thread sends what the switch
 * queued. A frame leaves a guest inside its doorbell write, on the VM's own thread, which must
 * never wait for a network: so sending only queues, and a full queue drops the frame, as a
 * congested link would. Anything malformed from the far side ends the tunnel (the switch forgets
 * what it learnt behind it); the guests see lost frames, never an error.
 */
final class SwitchTunnel implements AutoCloseable {
    static final int QUEUE = 1024;

    private final String name;
    private final String peer;
    private final Socket socket;
    private final BlockingQueue<TunnelFrame> outgoing = new ArrayBlockingQueue<>(QUEUE);
    final AtomicLong sent = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    private volatile String endedBecause;
    private final Thread writer;

    /**
     * @param arrived told of each frame from the far side, on the reader thread
     * @param ended   told once, with the reason, when the tunnel ends for any reason
     */
    SwitchTunnel(String peer, Socket socket, BiConsumer<SwitchTunnel, TunnelFrame> arrived, Consumer<SwitchTunnel> ended) {
        this.name = "tunnel:" + peer;
        this.peer = peer;
        this.socket = socket;
        Thread.ofVirtual().name(name + "-in").start(() -> {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()))) {
                for (TunnelFrame f; (f = TunnelFrame.readFrom(in)) != null; ) {
                    received.incrementAndGet();
                    arrived.accept(this, f);
                }
                end("the far side closed it");
            } catch (IOException e) {
                end(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            } finally {
                ended.accept(this);
            }
        });
        writer = Thread.ofVirtual().name(name + "-out").start(() -> {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()))) {
                while (endedBecause == null) {
                    TunnelFrame f = outgoing.take();
                    f.writeTo(out);
                    sent.incrementAndGet();
                    if (outgoing.isEmpty()) {
                        out.flush();
                    }
                }
            } catch (IOException | InterruptedException e) {
                end("sending failed: " + e.getMessage());
            }
        });
    }

    /** The switch's name for this uplink. */
    String name() {
        return name;
    }

    String peer() {
        return peer;
    }

    /** Why the tunnel ended, or null while it carries frames. */
    String endedBecause() {
        return endedBecause;
    }

    /** Queues a frame for the far side; never waits (a full queue drops it). Any thread. */
    void send(String network, byte[] frame) {
        if (endedBecause != null || !outgoing.offer(new TunnelFrame(network, frame))) {
            dropped.incrementAndGet();
        }
    }

    private void end(String why) {
        if (endedBecause == null) {
            endedBecause = why;
        }
        if (writer != null) {
            writer.interrupt();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }

    @Override
    public void close() {
        end("closed on this host");
        writer.interrupt();
    }
}
