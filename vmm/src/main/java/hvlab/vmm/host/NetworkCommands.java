package hvlab.vmm.host;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The management side of a host's network ({@code net ...}, {@code vm attach}, {@code vm detach}):
 * networks made and kept, VMs attached, mirrors set, captures taken. Each call takes the host's
 * lock for what it reads or changes; the frames themselves are {@link HostNetwork}'s.
 */
final class NetworkCommands implements NetworkControl {
    private final Host host;
    private final HostNetwork net;
    private volatile TunnelEndpoint listener;

    NetworkCommands(Host host, HostNetwork net) {
        this.host = host;
        this.net = net;
    }

    @Override
    public Network create(String network) {
        VmStore.checkName(network, "network name");
        return host.locked(() -> {
            if (net.book().get(network) != null) {
                throw new HostException("a network named '" + network + "' already exists");
            }
            net.book().put(new NetworkBook.Entry(network, null));
            return describe(network);
        });
    }

    @Override
    public List<Network> list() {
        return host.locked(() -> net.book().all().stream().map(e -> describe(e.name())).toList());
    }

    @Override
    public Network show(String network) {
        return host.locked(() -> {
            net.require(network);
            return describe(network);
        });
    }

    @Override
    public Network attach(String vm, String network, String actor) {
        return host.locked(() -> {
            net.require(network);
            ManagedVm m = host.managed(vm);
            if (m.state != VmLifecycle.DEFINED && m.state != VmLifecycle.CRASHED) {
                throw new HostException("cannot attach '" + vm + "' while it is " + m.state.label()
                        + ": its NIC is plugged in at boot (power it off first)");
            }
            m.definition = m.definition.withNetwork(network);
            host.store().save(m.definition);
            host.journal(host.store().folder(vm), "net-attach", Map.of("network", network, "actor", actor));
            return describe(network);
        });
    }

    @Override
    public void detach(String vm, String actor) {
        host.locked(() -> {
            ManagedVm m = host.managed(vm);
            if (m.definition.network() == null) {
                throw new HostException("'" + vm + "' has no network card");
            }
            if (m.state != VmLifecycle.DEFINED && m.state != VmLifecycle.CRASHED) {
                throw new HostException("cannot detach '" + vm + "' while it is " + m.state.label()
                        + ": its NIC is unplugged when it is off (power it off first)");
            }
            String was = m.definition.network();
            m.definition = m.definition.withNetwork(null);
            host.store().save(m.definition);
            host.journal(host.store().folder(vm), "net-detach", Map.of("network", was, "actor", actor));
            return null;
        });
    }

    @Override
    public Network mirror(String network, List<String> rules, String actor) {
        return host.locked(() -> {
            net.require(network);
            net.watch(network, rules);
            net.book().put(new NetworkBook.Entry(network, List.copyOf(rules)));
            return describe(network);
        });
    }

    @Override
    public hvlab.vmm.devices.NicOptions.Limits limit(String vm, hvlab.vmm.devices.NicOptions.Limits limits, String actor) {
        return host.locked(() -> {
            host.managed(vm);
            net.book().limit(vm, limits);
            net.relimit(vm);
            hvlab.vmm.devices.NicOptions.Limits now = net.limitsOf(vm);
            host.journal(host.store().folder(vm), "net-limit", Map.of("frames_per_second", now.framesPerSecond(),
                    "bytes_per_second", now.bytesPerSecond(), "own", limits != null, "actor", actor));
            return now;
        });
    }

    @Override
    public VmLimits limits(String vm) {
        return host.locked(() -> {
            host.managed(vm);
            return new VmLimits(vm, net.limitsOf(vm), net.book().limits(vm) != null);
        });
    }

    @Override
    public void portSecurity(String network, boolean on, String actor) {
        host.locked(() -> {
            net.require(network);
            net.portSecurity(network, on);
            return null;
        });
    }

    @Override
    public List<Alert> alerts() {
        return net.alerts();
    }

    @Override
    public CaptureResult capture(String vm, java.nio.file.Path file, long count, java.time.Duration duration) throws InterruptedException {
        if (count <= 0 && duration == null) {
            throw new HostException("a capture needs an end: --count N or --for D");
        }
        PortTap tap = host.locked(() -> {
            host.managed(vm);
            try {
                return new PortTap(new hvlab.vmm.network.PcapWriter(java.nio.file.Files.newOutputStream(file)), Math.max(0, count));
            } catch (java.io.IOException e) {
                throw new HostException("cannot write " + file + ": " + VmStore.reason(e));
            }
        });
        net.taps().computeIfAbsent(vm, v -> new CopyOnWriteArrayList<>()).add(tap);
        try {
            tap.await(duration == null ? Long.MAX_VALUE : duration.toNanos());
        } finally {
            net.taps().get(vm).remove(tap);
        }
        try {
            return new CaptureResult(vm, file.toString(), tap.finish());
        } catch (java.io.IOException e) {
            throw new HostException("cannot write " + file + ": " + VmStore.reason(e));
        }
    }

    private Network describe(String network) {
        NetworkBook.Entry entry = net.book().get(network);
        List<Port> ports = host.managedVms().stream().filter(m -> network.equals(m.definition.network())).map(net::port).toList();
        return new Network(network, entry.mirrored(), ports, net.macTable(network));
    }

    @Override
    public int listenForTunnels(String address, int port, String actor) {
        return host.locked(() -> {
            if (listener != null) {
                throw new HostException("this host already listens for tunnels on port " + listener.port());
            }
            try {
                listener = new TunnelEndpoint(address, port, host.name(), net::connectTunnel);
            } catch (java.io.IOException e) {
                throw new HostException("cannot listen for tunnels on " + address + ":" + port + ": " + e.getMessage());
            }
            host.audit(actor, "net tunnel listen", "port " + listener.port());
            return listener.port();
        });
    }

    @Override
    public Tunnel connectTunnel(String address, int port, String actor) {
        String[] peer = new String[1];
        java.net.Socket socket;
        try {
            socket = TunnelEndpoint.connect(address, port, host.name(), peer);
        } catch (java.io.IOException e) {
            throw new HostException("no tunnel to " + address + ":" + port + ": " + e.getMessage());
        }
        if (peer[0].equals(host.name())) {
            try {
                socket.close();
            } catch (java.io.IOException ignored) {
                // refused anyway
            }
            throw new HostException("the host at " + address + ":" + port + " is this host (" + peer[0] + "): a tunnel joins two hosts");
        }
        net.connectTunnel(peer[0], socket);
        host.audit(actor, "net tunnel connect", peer[0] + " at " + address + ":" + port);
        return tunnels().stream().filter(t -> t.peer().equals(peer[0])).findFirst()
                .orElseThrow(() -> new HostException("the tunnel to " + peer[0] + " ended at once"));
    }

    @Override
    public List<Tunnel> tunnels() {
        return net.tunnels();
    }

    /** The host is closing: no more tunnels in, none open. */
    void close() {
        TunnelEndpoint l = listener;
        if (l != null) {
            l.close();
        }
        net.closeTunnels();
    }
}
