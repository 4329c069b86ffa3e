package hvlab.vmmm.manager;

import com.fasterxml.jackson.core.type.TypeReference;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.replication.ReplicaStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dc replicate VM --to HOST [--every MS]}, {@code dc replicate VM --stop} and
 * {@code dc replicas}: the manager tells the VM's host to keep a copy on another host, checkpointed
 * every epoch with its output held until the backup has the checkpoint (Remus, DESIGN.md section
 * 13), and reports how each replication stands from both ends.
 */
final class ReplicationCommands {
    static final long DEFAULT_EPOCH_MILLIS = 200;

    private final Datacenter manager;
    private final ManagerCommands commands;

    ReplicationCommands(Datacenter manager, ManagerCommands commands) {
        this.manager = manager;
        this.commands = commands;
    }

    List<String> run(List<String> words) throws IOException {
        List<String> args = words.subList(1, words.size());
        if (words.getFirst().equals("replicas")) {
            if (!args.isEmpty()) throw new IllegalArgumentException("dc replicas");
            return replicas();
        }
        String usage = "dc replicate VM --to HOST [--every MS] | dc replicate VM --stop";
        if (args.size() == 2 && args.get(1).equals("--stop")) {
            String at = commands.locate(args.getFirst());
            ReplicaStatus s = Json.MAPPER.readValue(manager.call(at, "unreplicate", args.getFirst()), ReplicaStatus.class);
            return List.of("stopped the replication of " + s.vm() + " to " + s.peer() + ": it runs on " + at
                    + " unreplicated, and " + s.peer() + " drops its replica");
        }
        if ((args.size() != 3 && args.size() != 5) || !args.get(1).equals("--to") || (args.size() == 5 && !args.get(3).equals("--every"))) {
            throw new IllegalArgumentException(usage);
        }
        String vm = args.getFirst();
        String to = args.get(2);
        String every = args.size() == 5 ? args.get(4) : String.valueOf(DEFAULT_EPOCH_MILLIS);
        long millis;
        try {
            millis = Long.parseLong(every);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + every + "' is not a number of milliseconds: " + usage);
        }
        String at = commands.locate(vm);
        manager.replicate(vm, at, to, millis);
        return List.of("replicating " + vm + " from " + at + " to " + to + ": a checkpoint every " + every
                + " ms, its output held until " + to + " has it; if " + at + " dies, " + to + " runs " + vm + " from the last one");
    }

    /** Every replication, from each end (its primary's host and its backup's). */
    List<ReplicaStatus> statuses() throws IOException {
        List<ReplicaStatus> all = new ArrayList<>();
        for (Datacenter.HostEntry host : manager.hosts()) {
            all.addAll(Json.MAPPER.readValue(manager.call(host.name(), "replicas"), new TypeReference<List<ReplicaStatus>>() { }));
        }
        return all;
    }

    private List<String> replicas() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Datacenter.HostEntry host : manager.hosts()) {
            List<ReplicaStatus> list = Json.MAPPER.readValue(manager.call(host.name(), "replicas"), new TypeReference<List<ReplicaStatus>>() { });
            list.forEach(s -> lines.add(host.name() + ": " + s.describe()));
        }
        return lines.isEmpty() ? List.of("no VM is replicated") : lines;
    }
}
