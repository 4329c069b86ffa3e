package hvlab.vmm.network;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The IDS at the far end of a mirror port (paper IV.C.11: the VMM can watch all traffic of its
 * VMs, which none of them can hide or switch off). Two detectors: signature rules
 * ({@link IdsRule}, as in Snort), and a port-scan detector, which counts the distinct destination
 * ports one source tries within a window (a scan touches many ports, a client few).
 */
public final class Ids implements VirtualSwitch.Observer {
    /** One alert: which rule or detector, about which traffic, seen at which switch port. */
    public record Alert(String network, String port, String message, String traffic) {}

    private final List<IdsRule> rules;
    private final Consumer<Alert> alerts;
    private final LongSupplier nanos;
    private final int scanPorts;
    private final long scanWindowNanos;
    private final Map<Integer, Deque<long[]>> recent = new HashMap<>();
    private final Set<Integer> reported = new HashSet<>();

    /**
     * @param scanPorts       distinct destination ports from one source within {@code scanWindowNanos} that make a scan
     */
    public Ids(List<IdsRule> rules, int scanPorts, long scanWindowNanos, LongSupplier nanos, Consumer<Alert> alerts) {
        this.rules = List.copyOf(rules);
        this.scanPorts = scanPorts;
        this.scanWindowNanos = scanWindowNanos;
        this.nanos = nanos;
        this.alerts = alerts;
    }

    @Override
    public synchronized void frame(String network, String fromPort, EthernetFrame frame) {
        Packet p = Packet.of(frame);
        if (p == null) {
            return;
        }
        String traffic = describe(p);
        for (IdsRule rule : rules) {
            if (rule.matches(p)) {
                alerts.accept(new Alert(network, fromPort, rule.message(), traffic));
            }
        }
        if (p.destinationPort() >= 0) {
            scan(network, fromPort, p, traffic);
        }
    }

    private void scan(String network, String fromPort, Packet p, String traffic) {
        long now = nanos.getAsLong();
        Deque<long[]> seen = recent.computeIfAbsent(p.source(), s -> new ArrayDeque<>());
        seen.addLast(new long[] {now, p.destinationPort()});
        while (!seen.isEmpty() && now - seen.peekFirst()[0] > scanWindowNanos) {
            seen.removeFirst();
        }
        Set<Long> ports = new HashSet<>();
        for (long[] s : seen) {
            ports.add(s[1]);
        }
        if (ports.size() >= scanPorts) {
            if (reported.add(p.source())) {
                alerts.accept(new Alert(network, fromPort, "port scan: " + Packet.address(p.source()) + " tried " + ports.size()
                        + " ports within " + scanWindowNanos / 1_000_000 + " ms", traffic));
            }
        } else if (ports.size() < scanPorts / 2) {
            reported.remove(p.source()); // quiet again: a later scan is a new alert
        }
    }

    private static String describe(Packet p) {
        String protocol = switch (p.protocol()) {
            case Packet.UDP -> "udp";
            case Packet.TCP -> "tcp";
            case Packet.ICMP -> "icmp";
            default -> "ip proto " + p.protocol();
        };
        String ports = p.destinationPort() < 0 ? "" : ":" + p.sourcePort();
        String to = p.destinationPort() < 0 ? "" : ":" + p.destinationPort();
        return protocol + " " + Packet.address(p.source()) + ports + " -> " + Packet.address(p.destination()) + to;
    }
}
