package hvlab.vmmm.manager;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import hvlab.vmm.host.VmInfo;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.patch.PatchCatalog;
import hvlab.vmmm.patch.PatchLevel;
import hvlab.vmmm.patch.PatchStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The manager's patching (paper IV.D.4 and IV.E.3): it reads every VM's patch level from its
 * history, over the protocol, so it sees VMs that are off as well as those that run, and VMs a
 * revert has made unpatched again; it orders patches (the host snapshots first) and quarantines.
 */
final class PatchCommands {
    private final Datacenter manager;
    private final ManagerCommands commands;
    private final PatchCatalog catalog = PatchCatalog.shipped();

    PatchCommands(Datacenter manager, ManagerCommands commands) {
        this.manager = manager;
        this.commands = commands;
    }

    List<String> run(List<String> words) throws IOException {
        List<String> args = words.subList(1, words.size());
        return switch (words.getFirst()) {
            case "patches" -> report(args);
            case "patch" -> {
                if (args.size() != 2) throw new IllegalArgumentException("dc patch VM PATCH (patches: "
                        + String.join(", ", catalog.patches().stream().map(p -> p.id()).toList()) + ")");
                yield patch(args.get(0), args.get(1));
            }
            default -> {
                if (args.size() != 1) throw new IllegalArgumentException("dc quarantine VM");
                String at = commands.locate(args.getFirst());
                manager.call(at, "quarantine", args.getFirst(), "ordered by the manager");
                yield List.of(args.getFirst() + " is on the quarantine network of " + at + " (a private segment: it reaches no other VM)");
            }
        };
    }

    List<PatchStatus> statuses() throws IOException {
        List<PatchStatus> out = new ArrayList<>();
        for (Datacenter.HostEntry host : manager.hosts()) {
            List<VmInfo> vms = Json.MAPPER.readValue(manager.call(host.name(), "list"), new TypeReference<List<VmInfo>>() { });
            for (VmInfo vm : vms) {
                List<String> history = Json.MAPPER.readValue(manager.call(host.name(), "history", vm.name()), new TypeReference<List<String>>() { });
                out.add(PatchStatus.of(vm.name(), host.name(), vm.guest(), vm.state(), vm.network(), PatchLevel.of(history), catalog));
            }
        }
        return out;
    }

    /** Every VM's patches, or only those of {@code vms}; the ones a revert unpatched or that cannot be patched first. */
    private List<String> report(List<String> vms) throws IOException {
        List<String> lines = new ArrayList<>();
        List<PatchStatus> all = new ArrayList<>(statuses().stream().filter(s -> vms.isEmpty() || vms.contains(s.vm())).toList());
        all.sort(java.util.Comparator.comparing(s -> s.flags().stream().noneMatch(f -> f.startsWith("UNPATCH"))));
        long flagged = all.stream().filter(s -> !s.clean()).count();
        lines.add(all.size() + " VMs, " + flagged + " flagged (catalog: " + catalog.patches().size() + " patches)");
        all.stream().filter(s -> !s.clean()).forEach(s -> lines.add("  " + s.describe()));
        all.stream().filter(PatchStatus::clean).forEach(s -> lines.add("  " + s.describe()));
        return lines;
    }

    private List<String> patch(String vm, String id) throws IOException {
        String at = commands.locate(vm);
        JsonNode done = Json.MAPPER.readTree(manager.call(at, "patch", vm, id));
        return List.of("patched " + vm + " on " + at + " with " + id + ": changed " + done.path("changed").asText()
                + "; snapshot '" + done.path("snapshot").asText() + "' taken first (reverting to it undoes the patch)");
    }
}
