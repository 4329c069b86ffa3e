package hvlab.vmmm.manager;

import hvlab.vmm.attestation.Verdict;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.protocol.Message.*;
import hvlab.vmmm.protocol.MigrationLimits;
import hvlab.vmmm.protocol.ProtocolException;
import hvlab.vmmm.tls.DatacenterCa;
import hvlab.vmmm.tls.Tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The manager (the paper's VMMM): knows the datacenter's hosts by name and address, lets a host
 * join only after its TPM quote shows the datacenter's VMM ({@link JoinPolicy}), sends hosts
 * management calls, and orders migrations. It talks to hosts only through the protocol, over TLS
 * as {@code manager}, whether they run in this JVM or elsewhere.
 */
public final class Datacenter implements AutoCloseable {
    /** A host that joined: where its TLS port is, and its plaintext migration port if it has one. */
    public record HostEntry(String name, InetSocketAddress address, InetSocketAddress insecureAddress, String verdict) {}

    /** A refused join: the verdict names every reason (the PCR that differs, for one). */
    public static final class JoinRefused extends RuntimeException {
        public JoinRefused(String message) {
            super(message);
        }
    }

    private final DatacenterCa ca;
    private final Tls tls;
    private final JoinPolicy policy;
    private final Map<String, HostEntry> hosts = new LinkedHashMap<>();
    private final Map<String, Frames> links = new LinkedHashMap<>();

    public Datacenter(DatacenterCa ca) throws IOException {
        this.ca = ca;
        this.tls = Tls.of(ca, DatacenterCa.MANAGER);
        this.policy = new JoinPolicy(ca.folder());
    }

    /** The datacenter's folder: its CA, join policy, host addresses and affinity rules. */
    public java.nio.file.Path folder() {
        return ca.folder();
    }

    public JoinPolicy policy() {
        return policy;
    }

    /** Joins host {@code name} at {@code address}: TLS as that name, then its quote against the join policy. */
    public synchronized HostEntry join(String name, InetSocketAddress address, InetSocketAddress insecureAddress) throws IOException {
        DatacenterCa.checkName(name);
        Frames link = new Frames(tls.connect(address, name, 10_000), 30_000);
        try {
            link.send(new Hello("manager", DatacenterCa.MANAGER, Codec.VERSION));
            expect(link.receive(), Hello.class, name);
            byte[] nonce = policy.challenge();
            link.send(new QuoteRequest(nonce));
            QuoteReply reply = expect(link.receive(), QuoteReply.class, name);
            Verdict verdict = policy.check(name, nonce, reply.evidenceJson(), reply.manufacturerKey());
            if (!verdict.trusted()) {
                throw new JoinRefused("host " + name + " may not join: "
                        + String.join("; ", verdict.refusals().stream().map(Object::toString).toList()));
            }
            HostEntry entry = new HostEntry(name, address, insecureAddress, "trusted");
            Frames old = links.put(name, link);
            if (old != null) old.close();
            hosts.put(name, entry);
            return entry;
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    public synchronized List<HostEntry> hosts() {
        return new ArrayList<>(hosts.values());
    }

    public synchronized HostEntry host(String name) {
        HostEntry entry = hosts.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("no host named '" + name + "' in the datacenter (hosts: "
                    + String.join(", ", hosts.keySet()) + ")");
        }
        return entry;
    }

    /** A management call on a host: its JSON answer, or an exception with its one error line. */
    public String call(String hostName, String command, String... args) throws IOException {
        Frames link = link(hostName);
        synchronized (link) {
            link.send(new Call(command, List.of(args)));
            Result result = expect(link.receive(), Result.class, hostName);
            if (!result.ok()) throw new IllegalArgumentException(result.text());
            return result.text();
        }
    }

    /**
     * Migrates {@code vm} from host {@code from} to host {@code to}, live; {@code progress} hears
     * each round. Returns the report's JSON; a failure is one line (the VM runs on at the source).
     */
    public String migrate(String vm, String from, String to, boolean insecure, MigrationLimits limits,
                          Consumer<Progress> progress) throws IOException {
        return migrate(vm, from, to, insecure, limits, progress, null);
    }

    /**
     * As above, with the stream sent to {@code route} instead of the target's own address: a
     * relay or a proxy on the way (the tests' failing links, the man-in-the-middle demo). With TLS
     * the source still demands the target's certificate, whatever sits in between.
     */
    public String migrate(String vm, String from, String to, boolean insecure, MigrationLimits limits,
                          Consumer<Progress> progress, InetSocketAddress route) throws IOException {
        HostEntry target = host(to);
        InetSocketAddress address = route != null ? route : insecure ? target.insecureAddress() : target.address();
        if (address == null) {
            throw new IllegalArgumentException("host " + to + " takes no plaintext migrations (it was started without an insecure port)");
        }
        Frames link = link(from);
        synchronized (link) {
            link.send(new Migrate(vm, to, address.getHostString() + ":" + address.getPort(), insecure, limits));
            while (true) {
                Message message = link.receive(600_000);
                if (message instanceof Progress p) {
                    progress.accept(p);
                } else {
                    Result result = expect(message, Result.class, from);
                    if (!result.ok()) throw new IllegalArgumentException(result.text());
                    return result.text();
                }
            }
        }
    }

    /**
     * Replicates {@code vm}, running on {@code from}, to a backup on {@code to}, checkpointed
     * every {@code epochMillis} ms (Remus; DESIGN.md section 13). Never on its own host:
     * a replica there dies with it. Returns the replication's status as JSON; a refusal is one line.
     */
    public String replicate(String vm, String from, String to, long epochMillis) throws IOException {
        if (from.equals(to)) {
            throw new IllegalArgumentException("a replica is never on its primary's host: '" + vm + "' runs on " + to);
        }
        InetSocketAddress address = host(to).address();
        return call(from, "replicate", vm, to, address.getHostString() + ":" + address.getPort(), Long.toString(epochMillis));
    }

    private synchronized Frames link(String hostName) {
        host(hostName);
        return links.get(hostName);
    }

    static <T extends Message> T expect(Message message, Class<T> wanted, String peer) throws ProtocolException {
        if (message instanceof Failure f) {
            throw new ProtocolException(peer + ": " + f.reason());
        }
        if (!wanted.isInstance(message)) {
            throw new ProtocolException(peer + " sent " + message.getClass().getSimpleName() + " where " + wanted.getSimpleName() + " belongs");
        }
        return wanted.cast(message);
    }

    @Override
    public synchronized void close() {
        links.values().forEach(Frames::close);
        links.clear();
    }
}
