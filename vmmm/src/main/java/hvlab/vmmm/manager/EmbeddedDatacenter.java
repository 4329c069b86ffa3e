package hvlab.vmmm.manager;

import hvlab.vmm.host.Host;
import hvlab.vmmm.host.HostServer;
import hvlab.vmmm.tls.DatacenterCa;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole datacenter in one JVM: hosts {@code h1}, {@code h2}, ... each with its own store and
 * its own {@link HostServer} on a loopback port, and a {@link Datacenter} that joined them. Nothing
 * is shortcut: the manager and the hosts still speak the protocol over TLS sockets, exactly as
 * across processes, so what works here works across machines.
 */
public final class EmbeddedDatacenter implements AutoCloseable {
    private final Datacenter manager;
    private final Map<String, HostServer> servers = new LinkedHashMap<>();

    private EmbeddedDatacenter(Datacenter manager) {
        this.manager = manager;
    }

    /**
     * Starts {@code count} hosts with stores under {@code root} (a CA made there if none is),
     * each with a plaintext migration port too when {@code insecurePorts}.
     */
    public static EmbeddedDatacenter start(Path root, int count, int threadsPerHost, boolean insecurePorts) throws IOException {
        Map<String, Path> stores = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
            stores.put("h" + i, root.resolve("h" + i));
        }
        return start(root.resolve("dc"), stores, threadsPerHost, insecurePorts);
    }

    /**
     * Starts a host for each of {@code stores} (name to store, in order), the CA and join policy in
     * {@code dc} (made there if none is). The terminal UI's default datacenter: h1 on the user's
     * store, h2 and h3 beside it.
     */
    public static EmbeddedDatacenter start(Path dc, Map<String, Path> stores, int threadsPerHost, boolean insecurePorts) throws IOException {
        DatacenterCa ca = Files.exists(dc.resolve("ca.p12")) ? DatacenterCa.open(dc) : DatacenterCa.init(dc);
        EmbeddedDatacenter embedded = new EmbeddedDatacenter(new Datacenter(ca));
        // The hosts boot side by side (each measures the VMM into its TPM, which takes seconds);
        // they join one after another, so that the first to join sets the policy the rest meet.
        Map<String, java.util.concurrent.CompletableFuture<HostServer>> booting = new LinkedHashMap<>();
        stores.forEach((name, store) -> booting.put(name, java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            Host host = new Host(name, store, threadsPerHost);
            try {
                return new HostServer(host, ca, InetAddress.getLoopbackAddress(), 0, insecurePorts ? 0 : -1);
            } catch (IOException | RuntimeException e) {
                host.close();
                throw new java.util.concurrent.CompletionException(e);
            }
        })));
        try {
            for (var each : booting.entrySet()) {
                HostServer server = booted(each.getValue());
                embedded.servers.put(each.getKey(), server);
                embedded.manager.join(each.getKey(), server.address(), server.insecureAddress());
            }
            embedded.joinSwitches();
            return embedded;
        } catch (IOException | RuntimeException e) {
            for (var each : booting.entrySet()) { // the ones not yet in servers are closed here
                if (!embedded.servers.containsKey(each.getKey())) {
                    try {
                        HostServer server = booted(each.getValue());
                        server.close();
                        server.host().close();
                    } catch (IOException | RuntimeException ignored) {
                        // it never started
                    }
                }
            }
            embedded.close();
            throw e;
        }
    }

    /**
     * Joins every pair of hosts' switches by a tunnel on the loopback (a full mesh: the switches'
     * split horizon keeps it free of loops), so that a private network of the same name spans
     * the datacenter and a VM keeps its address and connectivity when it migrates.
     */
    private void joinSwitches() {
        java.util.List<HostServer> all = java.util.List.copyOf(servers.values());
        for (int i = 0; i < all.size(); i++) {
            int port = all.get(i).host().network().listenForTunnels("127.0.0.1", 0, "datacenter");
            for (int j = 0; j < i; j++) {
                all.get(j).host().network().connectTunnel("127.0.0.1", port, "datacenter");
            }
        }
    }

    /** The host server a boot made, or the boot's own exception. */
    private static HostServer booted(java.util.concurrent.CompletableFuture<HostServer> boot) throws IOException {
        try {
            return boot.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    public Datacenter manager() {
        return manager;
    }

    public Host host(String name) {
        HostServer server = servers.get(name);
        if (server == null) throw new IllegalArgumentException("no host named '" + name + "'");
        return server.host();
    }

    public HostServer server(String name) {
        return servers.get(name);
    }

    public List<String> hostNames() {
        return new ArrayList<>(servers.keySet());
    }

    @Override
    public void close() {
        manager.close();
        // the whole datacenter ends with this process, not one host: no backup here takes over
        servers.values().forEach(server -> hvlab.vmmm.replication.Replicas.shuttingDown(server.host()));
        for (HostServer server : servers.values()) {
            server.close();
            server.host().close();
        }
    }
}
