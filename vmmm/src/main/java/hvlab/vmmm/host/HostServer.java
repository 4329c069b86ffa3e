package hvlab.vmmm.host;

import hvlab.vmm.host.Host;
import hvlab.vmm.tpm.Installation;
import hvlab.vmmm.migration.Arrival;
import hvlab.vmmm.migration.MigrationException;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.protocol.Message.*;
import hvlab.vmmm.replication.ReplicationException;
import hvlab.vmmm.replication.Replicas;
import hvlab.vmmm.tls.DatacenterCa;
import hvlab.vmmm.tls.Tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

/**
 * Serves one {@link Host} to the datacenter over TLS ({@code hv host serve}): the manager joins it
 * (a TPM quote), gives it management calls and migration orders, and other hosts stream migrating
 * VMs to it. Each connection has a virtual thread; every read has a deadline ({@link Frames}).
 *
 * <p>Who may do what is decided by the name the peer proved in the TLS handshake: only
 * {@code manager} may call and order; any host of the datacenter may offer a VM. The optional
 * plaintext port ({@code insecurePort}) takes migrations only, from anyone: it is the
 * {@code --insecure} demonstration of Oberheide et al., never on unless asked for.
 */
public final class HostServer implements AutoCloseable {
    /** How long an idle management connection may wait for its next call. */
    static final long IDLE_MILLIS = 300_000;
    static final int HANDSHAKE_MILLIS = 10_000;
    static final long FRAME_MILLIS = 30_000;

    private final Host host;
    private final Tls tls;
    private final ServerSocket secure;
    private final ServerSocket insecure;
    private final ManagementCalls calls;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Listens on {@code port} (0: any free port) of {@code bind}; {@code insecurePort} -1: no plaintext port. */
    public HostServer(Host host, DatacenterCa ca, InetAddress bind, int port, int insecurePort) throws IOException {
        this.host = host;
        this.tls = Tls.of(ca, host.name());
        this.secure = tls.listen(bind, port);
        this.insecure = insecurePort < 0 ? null : Tls.listenInsecure(bind, insecurePort);
        this.calls = new ManagementCalls(host, tls);
        Thread.ofVirtual().name("hvlab-serve-" + host.name()).start(() -> accept(secure));
        if (insecure != null) {
            Thread.ofVirtual().name("hvlab-serve-insecure-" + host.name()).start(() -> accept(insecure));
        }
    }

    public Host host() {
        return host;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(secure.getInetAddress(), secure.getLocalPort());
    }

    /** The plaintext address, or null when there is none. */
    public InetSocketAddress insecureAddress() {
        return insecure == null ? null : new InetSocketAddress(insecure.getInetAddress(), insecure.getLocalPort());
    }

    private void accept(ServerSocket server) {
        while (!closed) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void serve(Socket socket) {
        try (Frames link = new Frames(socket, FRAME_MILLIS)) {
            Tls.handshake(socket, HANDSHAKE_MILLIS);
            String peer = Tls.peerName(socket);
            Message first = link.receive(IDLE_MILLIS);
            switch (first) {
                case Offer offer -> new Arrival(host, link).serve(offer, peer);
                case ReplicaOffer offer when peer != null && !DatacenterCa.MANAGER.equals(peer) -> Replicas.of(host).serveBackup(offer, peer, link);
                case Hello hello when DatacenterCa.MANAGER.equals(peer) && hello.version() == Codec.VERSION -> {
                    link.send(new Hello("host", host.name(), Codec.VERSION));
                    manage(link);
                }
                case Hello hello when DatacenterCa.MANAGER.equals(peer) ->
                        link.send(new Failure("this host speaks protocol version " + Codec.VERSION + ", not " + hello.version()));
                default -> link.send(new Failure(peer == null ? "this plaintext port takes migrations only"
                        : "'" + peer + "' may not send " + first.getClass().getSimpleName() + " here"));
            }
        } catch (IOException | MigrationException | ReplicationException | IllegalArgumentException e) {
            // the peer's problem, and the peer was told when it could be; this host runs on
            debug(e);
        } catch (RuntimeException bug) {
            debug(bug); // a bug of ours ends this connection, never the host
        } finally {
            open.remove(socket);
        }
    }

    /** The manager's connection: quotes, calls and migration orders until it hangs up. */
    private void manage(Frames link) throws IOException {
        while (true) {
            Message message;
            try {
                message = link.receive(IDLE_MILLIS);
            } catch (java.io.EOFException e) {
                return;
            }
            switch (message) {
                case QuoteRequest q -> link.send(quote(q.nonce()));
                case Call call -> link.send(calls.call(call));
                case Migrate order -> link.send(calls.migrate(order, link::send));
                default -> {
                    link.send(new Failure(message.getClass().getSimpleName() + " is not a management message"));
                    return;
                }
            }
        }
    }

    private Message quote(byte[] nonce) {
        try {
            var report = host.attest(host.name(), nonce, null);
            byte[] evidence = Installation.json().writeValueAsBytes(report.evidence());
            byte[] manufacturer = Installation.open(host.store().root()).manufacturer().publicKey().getEncoded();
            return new QuoteReply(evidence, manufacturer);
        } catch (IOException | RuntimeException e) {
            return new Failure("cannot quote: " + e.getMessage());
        }
    }

    private static void debug(Exception e) {
        if (System.getenv("HV_DEBUG") != null) {
            System.err.println("hv: host server: " + e);
            e.printStackTrace();
        }
    }

    /** Stops listening and cuts every connection (a host that dies: tests kill targets mid-stream with this). */
    @Override
    public void close() {
        closed = true;
        Replicas.kill(host); // as a crash would: its replicated VMs' backups take over
        try {
            secure.close();
            if (insecure != null) insecure.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
