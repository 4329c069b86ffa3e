package hvlab.vmm.network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A host's virtual switch (paper IV.C.11: the VMM provides the network, separates VMs into private
 * networks and can see all traffic), in the manner of Open vSwitch's normal mode:
 * <ul>
 *   <li>a <b>learning</b> switch: it remembers on which port each source address was seen and
 *       sends a frame for a known address there only; unknown and broadcast destinations are
 *       flooded to every other port;</li>
 *   <li><b>private networks</b>, like VLANs: a port belongs to one network, and frames never
 *       cross from one network to another, whatever their addresses say;</li>
 *   <li><b>port security</b>: a frame whose source address is not its port's own (ARP spoofing,
 *       a guest pretending to be another) is dropped and reported;</li>
 *   <li><b>mirror ports</b>: a copy of every frame of a network goes to an observer (an IDS, a
 *       capture file), which the guests cannot see or avoid;</li>
 *   <li><b>uplinks</b>: a tunnel to another host's switch carries every network (VXLAN's idea: a
 *       frame travels with the name of its segment). Addresses are learnt on an uplink like on a
 *       port; a frame that came in on an uplink is flooded to local ports only, never out on
 *       another uplink (split horizon, so a full mesh of hosts has no loops); and a frame from
 *       an uplink that claims the address of a local VM is dropped.</li>
 * </ul>
 * Pure logic: ports are names and frames are bytes; the NIC devices and the delivery into guest
 * memory are elsewhere.
 */
public final class VirtualSwitch {
    /** A VM's connection to the switch. */
    public record Port(String name, MacAddress mac, String network) {}

    /** Something that sees every frame of a network (a mirror port's far end). */
    public interface Observer {
        void frame(String network, String fromPort, EthernetFrame frame);
    }

    private final Map<String, Port> ports = new LinkedHashMap<>();
    private final java.util.Set<String> uplinks = new java.util.LinkedHashSet<>();
    /** Per network: address -> port name. */
    private final Map<String, Map<MacAddress, String>> learnt = new LinkedHashMap<>();
    private final Map<String, List<Observer>> mirrors = new LinkedHashMap<>();
    /** Networks whose port security was switched off (a weakened configuration: hv threat's undefended forms). */
    private final java.util.Set<String> unsecured = new java.util.HashSet<>();
    private final Consumer<String> events;

    /** @param events told of what an administrator must know (a spoofed frame), one line each */
    public VirtualSwitch(Consumer<String> events) {
        this.events = events;
    }

    public synchronized void attach(Port port) {
        if (port.mac().isGroup()) {
            throw new IllegalArgumentException("port " + port.name() + ": " + port.mac() + " is a group address, not a NIC's");
        }
        detach(port.name());
        ports.put(port.name(), port);
    }

    public synchronized void detach(String name) {
        Port gone = ports.remove(name);
        if (gone != null) {
            learnt.getOrDefault(gone.network(), Map.of()).values().removeIf(name::equals);
        }
    }

    /** A tunnel to another host's switch, named {@code name}: it carries every network. */
    public synchronized void attachUplink(String name) {
        if (ports.containsKey(name)) {
            throw new IllegalArgumentException(name + " is already a VM's port");
        }
        uplinks.add(name);
    }

    /** The tunnel is gone: so is everything learnt behind it. */
    public synchronized void detachUplink(String name) {
        if (uplinks.remove(name)) {
            for (Map<MacAddress, String> table : learnt.values()) {
                table.values().removeIf(name::equals);
            }
        }
    }

    public synchronized java.util.Set<String> uplinks() {
        return java.util.Set.copyOf(uplinks);
    }

    /**
     * A frame of {@code network} that came in on {@code uplink} from another host's switch: where
     * it goes on this host (local ports only).
     */
    public synchronized SwitchVerdict arrive(String uplink, String network, byte[] bytes) {
        if (!uplinks.contains(uplink)) {
            return new SwitchVerdict.Dropped("no uplink named " + uplink);
        }
        EthernetFrame frame;
        try {
            frame = EthernetFrame.parse(bytes);
        } catch (IllegalArgumentException malformed) {
            return new SwitchVerdict.Dropped(malformed.getMessage());
        }
        for (Port local : ports.values()) {
            if (local.mac().equals(frame.source())) {
                String why = uplink + " brought a frame from " + frame.source() + ", the address of local port " + local.name();
                events.accept(why);
                return new SwitchVerdict.Dropped(why);
            }
        }
        for (Observer mirror : mirrors.getOrDefault(network, List.of())) {
            mirror.frame(network, uplink, frame);
        }
        Map<MacAddress, String> table = learnt.computeIfAbsent(network, n -> new LinkedHashMap<>());
        table.put(frame.source(), uplink);
        String known = frame.destination().isGroup() ? null : table.get(frame.destination());
        if (known != null && ports.containsKey(known)) {
            return new SwitchVerdict.Delivered(List.of(known), false);
        }
        List<String> flood = new ArrayList<>();
        for (Port local : ports.values()) {
            if (local.network().equals(network)) {
                flood.add(local.name());
            }
        }
        return new SwitchVerdict.Delivered(flood, true);
    }

    public synchronized void mirror(String network, Observer observer) {
        mirrors.computeIfAbsent(network, n -> new ArrayList<>()).add(observer);
    }

    /**
     * Switches port security on or off for {@code network}. Off, the switch believes every frame's
     * source address, as a plain learning switch does: a guest can claim a neighbour's address and
     * the switch learns it on the forger's port (the undefended form of an ARP-spoofing scenario).
     */
    public synchronized void portSecurity(String network, boolean on) {
        if (on) unsecured.remove(network);
        else unsecured.add(network);
    }

    public synchronized boolean portSecurity(String network) {
        return !unsecured.contains(network);
    }

    /** A frame sent by the VM on port {@code from}: where it goes. */
    public synchronized SwitchVerdict send(String from, byte[] bytes) {
        Port port = ports.get(from);
        if (port == null) {
            return new SwitchVerdict.Dropped("no port named " + from);
        }
        EthernetFrame frame;
        try {
            frame = EthernetFrame.parse(bytes);
        } catch (IllegalArgumentException malformed) {
            return new SwitchVerdict.Dropped(malformed.getMessage());
        }
        if (!frame.source().equals(port.mac()) && !unsecured.contains(port.network())) {
            String why = "port " + from + " sent a frame from " + frame.source() + ", not its own " + port.mac() + " (spoofing)";
            events.accept(why);
            return new SwitchVerdict.Dropped(why);
        }
        for (Observer mirror : mirrors.getOrDefault(port.network(), List.of())) {
            mirror.frame(port.network(), from, frame);
        }
        Map<MacAddress, String> table = learnt.computeIfAbsent(port.network(), n -> new LinkedHashMap<>());
        table.put(frame.source(), from);
        String known = frame.destination().isGroup() ? null : table.get(frame.destination());
        if (known != null) {
            return known.equals(from) ? new SwitchVerdict.Delivered(List.of(), false)
                    : new SwitchVerdict.Delivered(List.of(known), false);
        }
        List<String> flood = new ArrayList<>();
        for (Port other : ports.values()) {
            if (!other.name().equals(from) && other.network().equals(port.network())) {
                flood.add(other.name());
            }
        }
        flood.addAll(uplinks);
        return new SwitchVerdict.Delivered(flood, true);
    }

    /** The MAC table of {@code network} as learnt so far: address -> port, in the order learnt. */
    public synchronized Map<MacAddress, String> table(String network) {
        return new LinkedHashMap<>(learnt.getOrDefault(network, Map.of()));
    }

    /** Where the switch believes {@code mac} is on {@code network}, or null. */
    public synchronized String portOf(String network, MacAddress mac) {
        return learnt.getOrDefault(network, Map.of()).get(mac);
    }
}
