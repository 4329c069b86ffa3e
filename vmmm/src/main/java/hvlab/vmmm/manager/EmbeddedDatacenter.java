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
        try {
            for (Map.Entry<String, Path> each : stores.entrySet()) {
                String name = each.getKey();
                Host host = new Host(name, each.getValue(), threadsPerHost);
                HostServer server = new HostServer(host, ca, InetAddress.getLoopbackAddress(), 0, insecurePorts ? 0 : -1);
                embedded.servers.put(name, server);
                embedded.manager.join(name, server.address(), server.insecureAddress());
            }
            return embedded;
        } catch (IOException | RuntimeException e) {
            embedded.close();
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
        for (HostServer server : servers.values()) {
            server.close();
            server.host().close();
        }
    }
}
