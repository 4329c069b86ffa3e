package hvlab.vmm.host;

import hvlab.vmm.devices.NicOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the management language can ask of a host's network (paper IV.C.11: the VMM provides
 * virtual networks, separates VMs into private networks, and can watch all their traffic). A
 * host has one virtual switch; a network is a private segment on it (as a VLAN is), and a VM's
 * NIC is a port on one network. Every method does what it says or throws {@link HostException}
 * with one line a person can act on.
 */
public interface NetworkControl {

    /** One network: its ports, the switch's MAC table for it, and whether an IDS watches it. */
    record Network(String name, boolean mirrored, List<Port> ports, Map<String, String> macTable) {}

    /**
     * A VM's port: its address, whether its machine is plugged in (running), and its counters:
     * what its NIC sent and received, what the policer dropped, frames lost for want of receive
     * buffers, frames the switch dropped for a forged source address, and the NIC's error, if any.
     */
    record Port(String vm, String mac, boolean up, long txFrames, long txBytes, long rxFrames, long rxBytes,
                long policed, long rxDropped, long spoofed, String nicError) {}

    /** One alert of the IDS on a mirror port. */
    record Alert(Instant time, String network, String port, String message, String traffic) {}

    /** A tunnel to another host's switch: frames each way, frames dropped, and why it ended (null while up). */
    record Tunnel(String peer, boolean up, long sent, long received, long dropped, String ended) {}

    /** What a capture wrote. */
    record CaptureResult(String vm, String file, long frames) {}

    /** Creates a private network on the host's switch. */
    Network create(String network);

    /** Every network, with its ports. */
    List<Network> list();

    /** One network. */
    Network show(String network);

    /** Plugs {@code vm}'s NIC into {@code network} (the VM must be off: a NIC is plugged in at boot). */
    Network attach(String vm, String network, String actor);

    /** Takes {@code vm}'s NIC away (the VM must be off). */
    void detach(String vm, String actor);

    /**
     * Mirrors every frame of {@code network} to an IDS with these Snort-shaped rules (and its
     * port-scan detector); its alerts become events of the VMs that sent the traffic.
     */
    Network mirror(String network, List<String> rules, String actor);

    /**
     * Polices what {@code vm} sends at its own limits (null: the host's default, 10,000 frames/s and
     * 100 Mbit/s), kept in the store; a running VM's card takes them before its next slice.
     * Returns the limits now in force.
     */
    NicOptions.Limits limit(String vm, NicOptions.Limits limits, String actor);

    /** The limits {@code vm}'s card is policed at, and whether they are its own (not the host's default). */
    record VmLimits(String vm, NicOptions.Limits limits, boolean own) {}

    VmLimits limits(String vm);

    /**
     * Switches the switch's port security on or off for {@code network} (on by default; not kept in
     * the store: a host always starts with it on). Off is a deliberately weakened configuration.
     */
    void portSecurity(String network, boolean on, String actor);

    /** The IDS alerts so far, oldest first. */
    List<Alert> alerts();

    /**
     * Records the frames {@code vm} sends and receives into a pcap file, until {@code count} frames
     * (0: no limit) or {@code duration} (null: no limit) is reached; blocks until then.
     */
    CaptureResult capture(String vm, Path file, long count, Duration duration) throws InterruptedException;

    /**
     * Listens for tunnels from other hosts' switches on {@code address}:{@code port} (0: any free
     * port); returns the port. Every network then travels between the switches.
     */
    default int listenForTunnels(String address, int port, String actor) {
        throw new HostException("this host's switch has no tunnels");
    }

    /** Opens a tunnel to the host listening at {@code address}:{@code port}; returns it once it carries frames. */
    default Tunnel connectTunnel(String address, int port, String actor) {
        throw new HostException("this host's switch has no tunnels");
    }

    /** The tunnels to other hosts' switches. */
    default List<Tunnel> tunnels() {
        return List.of();
    }
}
