package hvlab.vmm.host;

import hvlab.vmm.Vm;
import hvlab.vmm.devices.NetworkCard;
import hvlab.vmm.devices.NicError;
import hvlab.vmm.devices.NicOptions;
import hvlab.vmm.devices.PlatformOptions;
import hvlab.vmm.network.Ids;
import hvlab.vmm.network.IdsRule;
import hvlab.vmm.network.MacAddress;
import hvlab.vmm.network.SwitchVerdict;
import hvlab.vmm.network.VirtualSwitch;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A host's network: one {@link VirtualSwitch} (Open vSwitch's place on a KVM host), the private
 * networks on it, and the VMs' NICs as its ports (paper IV.C.11).
 *
 * <p>Threads. A frame leaves a guest inside its OUT to the doorbell, on that VM's worker thread.
 * The switch decides where it goes; the frame is then <em>offered</em> to each receiving NIC (a
 * bounded queue any thread may fill) and the receiving VM is asked, through
 * {@link Vm#fromOutside}, to place it into its receive ring on its own thread before its next
 * slice; a receiver that halted is woken. So no thread ever touches another VM's registers or
 * RAM, and nothing here waits for another VM. The host's lock is taken only to wake a VM and to
 * journal an event, never while the switch's own monitor is held. What the management language
 * asks of the network is {@link NetworkCommands}'.
 */
final class HostNetwork {
    /** The policer every NIC gets: 10,000 frames/s (burst 1,000) and 100 Mbit/s (burst 1.25 MB), in virtual time. */
    static final NicOptions.Limits LIMITS = new NicOptions.Limits(10_000, 12_500_000, 1_000, 1_250_000);
    /** The port-scan detector: this many distinct destination ports from one source within the window. */
    static final int SCAN_PORTS = 16;
    static final long SCAN_WINDOW_NANOS = 2_000_000_000L;
    private static final int MAX_ALERTS = 1000;
    private static final long EVENT_INTERVAL_NANOS = 1_000_000_000L;

    /** A running VM's NIC on its port. */
    private record Plug(ManagedVm managed, Vm vm, NetworkCard nic, String network, AtomicBoolean scheduled,
                        AtomicLong spoofed, AtomicLong lastReported) {}

    private final Host host;
    private final NetworkBook book;
    private final VirtualSwitch fabric = new VirtualSwitch(why -> { }); // spoofing is reported per VM, below
    private final Map<String, Plug> plugs = new ConcurrentHashMap<>();
    private final Map<String, SwitchTunnel> tunnels = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Ids>> idsByNetwork = new ConcurrentHashMap<>();
    private final Map<String, List<PortTap>> taps = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Ids.Alert> fresh = new ConcurrentLinkedQueue<>();
    private final List<NetworkControl.Alert> alerts = new CopyOnWriteArrayList<>();
    private final Map<String, Long> lastAlertEvent = new ConcurrentHashMap<>();
    /** The counters of each port when its machine last stopped. */
    private final Map<String, NetworkControl.Port> lastSeen = new ConcurrentHashMap<>();

    HostNetwork(Host host) {
        this.host = host;
        this.book = new NetworkBook(host.store().root());
        for (NetworkBook.Entry e : book.all()) {
            if (e.mirrored()) {
                watch(e.name(), e.idsRules());
            }
        }
    }

    // ---- machines: plugged in at boot, out when they stop -------------------------------------

    /** The platform of a VM about to be built, with its NIC if its definition puts it on a network. */
    PlatformOptions withNic(VmDefinition d, PlatformOptions platform) {
        if (d.network() == null) {
            return platform;
        }
        if (book.get(d.network()) == null) {
            throw new HostException("cannot start '" + d.name() + "': its network '" + d.network() + "' does not exist (net create "
                    + d.network() + ")");
        }
        MacAddress mac = MacAddress.parse(d.mac() != null ? d.mac() : Identity.macFor(d.name()));
        String vm = d.name();
        return platform.withNic(new NicOptions(mac, limitsOf(vm), frame -> transmit(vm, frame)));
    }

    /** The policer's limits for the VM: its own ('net limit'), or the host's default. */
    NicOptions.Limits limitsOf(String vm) {
        NicOptions.Limits own = book.limits(vm);
        return own != null ? own : LIMITS;
    }

    /** The VM is gone: its own limits go too. */
    void forget(String vm) {
        if (book.limits(vm) != null) book.limit(vm, null);
    }

    /** A running VM's card takes new limits before its next slice; a stopped one gets them at boot. */
    void relimit(String vm) {
        Plug plug = plugs.get(vm);
        if (plug != null) {
            NicOptions.Limits l = limitsOf(vm);
            plug.vm().fromOutside(() -> plug.nic().limit(l));
            ManagedVm m = plug.managed(); // called under the host's lock; a halted VM takes them now, not at its next frame
            if (m.vm == plug.vm() && m.halted && (m.state == VmLifecycle.RUNNING || m.state == VmLifecycle.SHUTTING_DOWN)) {
                host.wake(m);
            }
        }
    }

    /** The VM's machine was built: its NIC becomes a port of its network. */
    void plugIn(ManagedVm m) {
        NetworkCard nic = m.vm == null ? null : m.vm.platform().nic();
        if (nic == null) {
            return;
        }
        fabric.attach(new VirtualSwitch.Port(m.name, nic.mac(), m.definition.network()));
        Plug plug = new Plug(m, m.vm, nic, m.definition.network(), new AtomicBoolean(), new AtomicLong(), new AtomicLong(-1));
        plugs.put(m.name, plug);
        if (!tunnels.isEmpty()) {
            announce(plug); // a VM that arrived (booted, or migrated here) tells the other hosts' switches
        }
    }

    /** The VM's machine is going: its port goes with it (the switch forgets what it learnt there). */
    void unplug(String vm) {
        Plug gone = plugs.get(vm);
        if (gone != null) {
            lastSeen.put(vm, counted(vm, gone, false)); // its counters stay readable, as a stopped VM's traps do
            plugs.remove(vm);
            fabric.detach(vm);
        }
    }

    // ---- frames -------------------------------------------------------------------------------

    /** A frame the guest of {@code vm} sent; on that VM's thread. */
    void transmit(String vm, byte[] frame) {
        Plug from = plugs.get(vm);
        if (from == null) {
            return;
        }
        Checkpointing replication = from.managed().replication;
        if (replication != null && replication.hold(() -> switchFrame(vm, from, frame))) {
            return; // replicated: it goes once the backup holds the checkpoint after it (Checkpointing)
        }
        switchFrame(vm, from, frame);
    }

    private void switchFrame(String vm, Plug from, byte[] frame) {
        tap(vm, frame);
        SwitchVerdict verdict = fabric.send(vm, frame);
        if (verdict instanceof SwitchVerdict.Dropped dropped && frame.length >= 12 && !MacAddress.of(frame, 6).equals(from.nic().mac())) {
            spoofed(from, dropped.reason());
        } else if (verdict instanceof SwitchVerdict.Delivered delivered) {
            deliver(delivered, from.network(), frame);
        }
        raiseAlerts();
    }

    /** A frame another host's switch sent through the tunnel; on the tunnel's reader thread. */
    private void fromTunnel(SwitchTunnel tunnel, hvlab.vmm.network.TunnelFrame f) {
        if (book.get(f.network()) == null) {
            tunnel.dropped.incrementAndGet(); // a network this host does not have: nobody here to deliver to
            return;
        }
        if (fabric.arrive(tunnel.name(), f.network(), f.frame()) instanceof SwitchVerdict.Delivered delivered) {
            deliver(delivered, f.network(), f.frame());
        }
        raiseAlerts();
    }

    /** Hands a frame to the ports the switch chose: a local VM's NIC, or a tunnel to another host. */
    private void deliver(SwitchVerdict.Delivered delivered, String network, byte[] frame) {
        for (String port : delivered.ports()) {
            Plug to = plugs.get(port);
            if (to != null) {
                tap(port, frame);
                to.nic().offer(frame);
                schedule(to);
                continue;
            }
            SwitchTunnel tunnel = tunnels.get(port);
            if (tunnel != null) {
                tunnel.send(network, frame);
            }
        }
    }

    private void raiseAlerts() {
        for (Ids.Alert a; (a = fresh.poll()) != null; ) {
            alert(a);
        }
    }

    // ---- tunnels to other hosts' switches -----------------------------------------------------

    /**
     * Joins this host's switch to {@code peer}'s over {@code socket} (already connected): every
     * network travels through it, each frame tagged with its network's name. A second tunnel to
     * the same peer replaces the first.
     */
    void connectTunnel(String peer, java.net.Socket socket) {
        SwitchTunnel tunnel = new SwitchTunnel(peer, socket, this::fromTunnel, this::tunnelEnded);
        SwitchTunnel old = tunnels.put(tunnel.name(), tunnel);
        if (old != null) {
            old.close();
        }
        fabric.attachUplink(tunnel.name());
        announceAll();
    }

    private void tunnelEnded(SwitchTunnel tunnel) {
        if (tunnels.remove(tunnel.name(), tunnel)) {
            fabric.detachUplink(tunnel.name());
        }
    }

    /** The tunnels as they are: peer, frames each way, drops, and why a tunnel ended. */
    List<NetworkControl.Tunnel> tunnels() {
        return tunnels.values().stream().map(t -> new NetworkControl.Tunnel(t.peer(), t.endedBecause() == null,
                t.sent.get(), t.received.get(), t.dropped.get(), t.endedBecause())).toList();
    }

    void closeTunnels() {
        tunnels.values().forEach(SwitchTunnel::close);
    }

    /**
     * Announces every running VM's address on its network, as QEMU does after a migration
     * ({@code qemu_announce_self}): a broadcast RARP from the VM's MAC, which the guest never
     * sees. Every switch it reaches learns where that address lives now.
     */
    private void announceAll() {
        for (Plug p : plugs.values()) {
            announce(p);
        }
    }

    private void announce(Plug p) {
        byte[] rarp = hvlab.vmm.network.Announcement.rarp(p.nic().mac());
        if (fabric.send(p.managed().name, rarp) instanceof SwitchVerdict.Delivered delivered) {
            // Local ports have nothing to learn from it that the switch did not; only tunnels carry it.
            for (String port : delivered.ports()) {
                SwitchTunnel tunnel = tunnels.get(port);
                if (tunnel != null) {
                    tunnel.send(p.network(), rarp);
                }
            }
        }
    }

    /** The receiving VM places what arrived on its own thread, soon; a halted one is woken for it. */
    private void schedule(Plug to) {
        if (!to.scheduled().compareAndSet(false, true)) {
            return; // already asked, not yet done: that delivery takes this frame too
        }
        to.vm().fromOutside(() -> {
            to.scheduled().set(false);
            to.nic().deliverArrived();
        });
        host.lock().lock();
        try {
            ManagedVm m = to.managed();
            if (m.vm == to.vm() && m.halted && (m.state == VmLifecycle.RUNNING || m.state == VmLifecycle.SHUTTING_DOWN)) {
                host.wake(m);
            }
        } finally {
            host.lock().unlock();
        }
    }

    private void tap(String port, byte[] frame) {
        for (PortTap t : taps.getOrDefault(port, List.of())) {
            t.frame(frame);
        }
    }

    /** Port security caught a forged source: an event of the VM's life (the first, then at most one a second, with a count). */
    private void spoofed(Plug from, String reason) {
        long count = from.spoofed().incrementAndGet();
        long now = System.nanoTime();
        long last = from.lastReported().get();
        if (last != -1 && now - last < EVENT_INTERVAL_NANOS || !from.lastReported().compareAndSet(last, now)) {
            return;
        }
        report(from.managed().name, "net-spoofed", Map.of("reason", reason, "dropped", count, "actor", "switch"),
                "switch dropped a spoofed frame: " + reason);
    }

    private void alert(Ids.Alert a) {
        NetworkControl.Alert alert = new NetworkControl.Alert(Instant.now(), a.network(), a.port(), a.message(), a.traffic());
        if (alerts.size() < MAX_ALERTS) {
            alerts.add(alert);
        }
        long now = System.nanoTime();
        String key = a.port() + "\n" + a.message();
        Long last = lastAlertEvent.get(key);
        if (last != null && now - last < EVENT_INTERVAL_NANOS) {
            return;
        }
        lastAlertEvent.put(key, now);
        report(a.port(), "ids-alert", Map.of("network", a.network(), "message", a.message(), "traffic", a.traffic(), "actor", "ids"),
                "IDS: " + a.message() + " (" + a.traffic() + ")");
    }

    /** Into the VM's history and the secure log, and to the host's listeners (the UI). */
    private void report(String vm, String event, Map<String, ?> details, String detail) {
        host.lock().lock();
        try {
            if (host.store().exists(vm)) {
                host.journal(host.store().folder(vm), event, details);
            }
            host.announce(vm, String.valueOf(details.get("actor")), detail);
        } finally {
            host.lock().unlock();
        }
    }

    void watch(String network, List<String> rules) {
        List<IdsRule> parsed = new java.util.ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            try {
                parsed.add(IdsRule.parse(rules.get(i)));
            } catch (IllegalArgumentException e) {
                throw new HostException("IDS rule " + (i + 1) + ": " + e.getMessage());
            }
        }
        Ids ids = new Ids(parsed, SCAN_PORTS, SCAN_WINDOW_NANOS, System::nanoTime, fresh::add);
        idsByNetwork.computeIfAbsent(network, n -> {
            AtomicReference<Ids> current = new AtomicReference<>();
            fabric.mirror(n, (net, port, frame) -> current.get().frame(net, port, frame));
            return current;
        }).set(ids);
    }

    void portSecurity(String network, boolean on) {
        fabric.portSecurity(network, on);
    }

    // ---- what the management commands read --------------------------------------------------

    NetworkBook book() {
        return book;
    }

    List<NetworkControl.Alert> alerts() {
        return List.copyOf(alerts);
    }

    Map<String, java.util.List<PortTap>> taps() {
        return taps;
    }

    /** The port of {@code m} as it is now: its card's counters, or their last values if it stopped. */
    NetworkControl.Port port(ManagedVm m) {
        Plug p = plugs.get(m.name);
        if (p != null) {
            return counted(m.name, p, true);
        }
        NetworkControl.Port last = lastSeen.get(m.name);
        String mac = m.definition.mac() != null ? m.definition.mac() : Identity.macFor(m.name);
        return last != null && last.mac().equals(mac) ? last : new NetworkControl.Port(m.name, mac, false, 0, 0, 0, 0, 0, 0, 0, null);
    }

    private static NetworkControl.Port counted(String vm, Plug p, boolean up) {
        NetworkCard.Counters c = p.nic().counters();
        NicError error = p.nic().error();
        return new NetworkControl.Port(vm, p.nic().mac().toString(), up, c.txFrames(), c.txBytes(), c.rxFrames(), c.rxBytes(),
                c.txPoliced(), c.rxDropped(), p.spoofed().get(), error == NicError.NONE ? null : error.meaning());
    }

    /** The switch's MAC table of {@code network}, as text. */
    Map<String, String> macTable(String network) {
        Map<String, String> table = new java.util.LinkedHashMap<>();
        fabric.table(network).forEach((mac, port) -> table.put(mac.toString(), port));
        return table;
    }

    void require(String network) {
        if (book.get(network) == null) {
            throw new HostException("no network named '" + network + "' on host " + host.name() + " (net create " + network + ")");
        }
    }
}
