package hvlab.vmm.host;

import hvlab.vmm.gdb.GdbServer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gdb stubs of one host, one per VM at most ({@code vm gdb NAME --port P}). A stub listens as
 * long as the host runs; each gdb that connects attaches to the VM's machine of that moment.
 */
final class GdbServers {
    private final Host host;
    private final Map<String, GdbServer> servers = new LinkedHashMap<>();

    GdbServers(Host host) {
        this.host = host;
    }

    /** Starts a stub for {@code vm} on {@code port} (0: any free port); returns the port. Host lock held. */
    synchronized int serve(ManagedVm m, int port) {
        GdbServer existing = servers.get(m.name);
        if (existing != null && !existing.closed()) {
            throw new HostException("'" + m.name + "' already has a gdb stub on port " + existing.port());
        }
        try {
            GdbServer server = new GdbServer(port, () -> new VmDebugTarget(host, m.name), m.name);
            servers.put(m.name, server);
            return server.port();
        } catch (IllegalArgumentException e) {
            throw new HostException("cannot serve gdb for '" + m.name + "': " + e.getMessage());
        }
    }

    synchronized void close() {
        for (GdbServer server : servers.values()) {
            server.close();
        }
        servers.clear();
    }
}
