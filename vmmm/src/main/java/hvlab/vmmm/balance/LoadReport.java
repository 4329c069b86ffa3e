package hvlab.vmmm.balance;

import com.fasterxml.jackson.databind.JsonNode;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.VmInfo;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.migration.Placement;
import hvlab.vmmm.replication.Replicas;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a host tells the manager of its load (the {@code load} call): its CPUs, and for each VM its
 * measured CPU share, its memory, where it may run and when it last moved. The share is what the
 * host's scheduler measured over its last window, so it is the demand of a VM that got what it
 * wanted; on a host that is full it is the part of the demand that was met.
 */
public record LoadReport(String host, int capacity, List<Vm> vms) {
    /** @param lastMoved when it last arrived by migration, or null */
    public record Vm(String name, String state, double share, long memoryBytes, List<String> allowedHosts, Instant lastMoved) {}

    public LoadReport {
        vms = List.copyOf(vms);
    }

    public static LoadReport of(Host host) {
        List<Vm> vms = new ArrayList<>();
        for (VmInfo info : host.list()) {
            Placement placement = Placement.read(host.store().folder(info.name()), host.name());
            // a VM replicated from here stays while it is: live migration refuses it (its backup
            // would be left replicating a VM that went), and its backup's host is not another place for it
            List<String> allowed = Replicas.of(host).replicating(info.name()) ? List.of(host.name()) : placement.allowedHosts();
            vms.add(new Vm(info.name(), info.state(), info.share(), info.memoryBytes(), allowed,
                    lastMoved(host.history(info.name()))));
        }
        return new LoadReport(host.name(), host.threads(), vms);
    }

    /** The time of the last {@code migrated} event of a history (JSON lines), or null. */
    static Instant lastMoved(List<String> history) {
        Instant last = null;
        for (String line : history) {
            try {
                JsonNode event = Json.MAPPER.readTree(line);
                if ("migrated".equals(event.path("event").asText())) {
                    last = Instant.parse(event.path("time").asText());
                }
            } catch (IOException | RuntimeException unreadable) {
                // a line the history writer did not write whole: not an event
            }
        }
        return last;
    }

    /** As the balancer sees it: running VMs demand their share; a VM moved within {@code cooldown} stays. */
    public HostLoad toHostLoad(Instant now, Duration cooldown) {
        List<VmLoad> loads = vms.stream().map(v -> new VmLoad(v.name(), "running".equals(v.state()) ? v.share() : 0, v.memoryBytes(),
                v.allowedHosts(), v.lastMoved() != null && v.lastMoved().plus(cooldown).isAfter(now))).toList();
        return new HostLoad(host, capacity, loads);
    }
}
