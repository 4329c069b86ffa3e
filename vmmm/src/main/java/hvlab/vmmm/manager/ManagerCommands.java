package hvlab.vmmm.manager;

import hvlab.vmmm.balance.Plan;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.migration.MigrationReport;
import hvlab.vmmm.migration.Migrations;
import hvlab.vmmm.migration.Placement;
import hvlab.vmmm.protocol.Message.Progress;
import hvlab.vmmm.protocol.MigrationLimits;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The manager's commands as lines for people, whatever runs them: {@code hv dc ...} (hosts in
 * their own processes) and the terminal UI's {@code :dc ...} over its embedded datacenter. Every
 * one speaks to hosts through {@link Datacenter}, over TLS. A bad request is an
 * {@link IllegalArgumentException} with one line.
 */
public final class ManagerCommands {
    public static final String USAGE = "dc hosts | dc migrate VM --to HOST | dc balance [--dry-run] | dc place VM [HOST...] | dc where VM | dc undefine VM [--if-exists]"
            + " | dc patches [VM...] | dc patch VM PATCH | dc quarantine VM"
            + " | dc replicate VM --to HOST [--every MS] | dc replicate VM --stop | dc replicas"
            + " | dc vm HOST send VM TEXT | dc vm HOST console VM | dc vm HOST wait VM TEXT | dc net HOST create NET";

    /** Hears every migration the commands make, as it goes (the UI draws it). */
    public interface Watcher {
        Watcher NONE = new Watcher() { };

        default void started(String vm, String from, String to) { }

        default void round(Progress progress) { }

        default void ended(String outcome, MigrationReport report) { }
    }

    private final Datacenter manager;
    private final Watcher watcher;

    public ManagerCommands(Datacenter manager, Watcher watcher) {
        this.manager = manager;
        this.watcher = watcher;
    }

    public List<String> run(List<String> words) throws IOException {
        if (words.isEmpty()) throw new IllegalArgumentException("say what: " + USAGE);
        List<String> args = words.subList(1, words.size());
        return switch (words.getFirst()) {
            case "hosts" -> hosts();
            case "migrate" -> {
                int to = args.indexOf("--to");
                if (args.isEmpty() || to != 1 || args.size() != 3) throw new IllegalArgumentException("dc migrate VM --to HOST");
                yield migrate(args.get(0), args.get(2));
            }
            case "balance" -> {
                if (args.size() > 1 || (args.size() == 1 && !args.getFirst().equals("--dry-run"))) {
                    throw new IllegalArgumentException("dc balance [--dry-run]");
                }
                yield balance(args.size() == 1);
            }
            case "place" -> place(one(args, "dc place VM [HOST...]"), args.subList(1, args.size()));
            case "where" -> where(only(args, "dc where VM"));
            case "undefine" -> {
                boolean ifExists = args.contains("--if-exists");
                List<String> rest = args.stream().filter(a -> !a.equals("--if-exists")).toList();
                yield undefine(only(rest, "dc undefine VM [--if-exists]"), ifExists);
            }
            case "patches", "patch", "quarantine" -> new PatchCommands(manager, this).run(words);
            case "replicate", "replicas" -> new ReplicationCommands(manager, this).run(words);
            case "vm", "net" -> new HostCommands(manager).run(words);
            default -> throw new IllegalArgumentException("'" + words.getFirst() + "' is not a datacenter command: " + USAGE);
        };
    }

    /** Every VM's patch status, for a view to draw. */
    public List<hvlab.vmmm.patch.PatchStatus> patchStatuses() throws IOException {
        return new PatchCommands(manager, this).statuses();
    }

    /** Every replication as its primary reports it, for a view to draw. */
    public List<hvlab.vmmm.replication.ReplicaStatus> replicaStatuses() throws IOException {
        return new ReplicationCommands(manager, this).statuses();
    }

    public List<String> hosts() throws IOException {
        List<String> lines = new ArrayList<>();
        for (var load : new Balancer(manager).measure()) {
            lines.add(String.format(java.util.Locale.ROOT, "%-4s %-8s %d CPU  load %3.0f%%  %d VMs", load.name(),
                    manager.host(load.name()).verdict(), load.capacity(), load.load() * 100, load.vms().size()));
        }
        return lines;
    }

    /** Migrates {@code vm}, wherever it is, to {@code to}, live. */
    public List<String> migrate(String vm, String to) throws IOException {
        manager.host(to);
        String from = locate(vm);
        List<String> lines = new ArrayList<>();
        watcher.started(vm, from, to);
        try {
            String json = manager.migrate(vm, from, to, false, MigrationLimits.DEFAULT, p -> {
                lines.add(Migrations.describe(p));
                watcher.round(p);
            });
            MigrationReport report = Json.MAPPER.readValue(json, MigrationReport.class);
            lines.add(Migrations.describe(report));
            watcher.ended(Migrations.describe(report), report);
            return lines;
        } catch (IllegalArgumentException | IOException e) {
            watcher.ended("not migrated: " + e.getMessage(), null);
            throw e;
        }
    }

    /** The balancer's plan, explained; unless {@code dryRun}, each move carried out, its outcome under it, the notes last. */
    public List<String> balance(boolean dryRun) throws IOException {
        Balancer balancer = new Balancer(manager);
        Plan plan = balancer.plan();
        if (dryRun || plan.moves().isEmpty()) {
            List<String> lines = new ArrayList<>(plan.explain());
            if (dryRun && !plan.moves().isEmpty()) lines.add("(a dry run: nothing moved)");
            return lines;
        }
        List<String> lines = new ArrayList<>(plan.explain().subList(0, 1));
        for (var move : plan.moves()) {
            lines.add("  " + move.describe());
            try {
                lines.add("    " + migrate(move.vm(), move.to()).getLast());
            } catch (IllegalArgumentException e) {
                lines.add("    not moved: " + e.getMessage());
            }
        }
        plan.notes().forEach(n -> lines.add("  " + n));
        return lines;
    }

    public List<String> place(String vm, List<String> hosts) throws IOException {
        String at = locate(vm);
        Placement placement = Json.MAPPER.readValue(manager.call(at, "place", prepend(vm, hosts)), Placement.class);
        return List.of(vm + " may run on " + (placement.allowedHosts().isEmpty() ? "any host" : String.join(", ", placement.allowedHosts()))
                + "; a migration anywhere else is refused before a byte is sent");
    }

    /** Where {@code vm} runs, where it has been (its location history, paper IV.E.2) and where it may go. */
    public List<String> where(String vm) throws IOException {
        String at = locate(vm);
        Placement placement = Json.MAPPER.readValue(manager.call(at, "placement", vm), Placement.class);
        return List.of(vm + " runs on " + at, "  has been on: " + String.join(" -> ", placement.locations()),
                "  may run on:  " + (placement.allowedHosts().isEmpty() ? "any host" : String.join(", ", placement.allowedHosts())));
    }

    /** Powers {@code vm} off wherever it is, and removes it; {@code ifExists}: a VM that is nowhere is no error. */
    public List<String> undefine(String vm, boolean ifExists) throws IOException {
        String at;
        try {
            at = locate(vm);
        } catch (IllegalArgumentException none) {
            if (ifExists) return List.of("no VM named '" + vm + "' on any host: nothing to undefine");
            throw none;
        }
        String state = Json.MAPPER.readTree(manager.call(at, "info", vm)).path("state").asText();
        if (state.equals("running") || state.equals("paused")) manager.call(at, "poweroff", vm);
        manager.call(at, "undefine", vm);
        return List.of("undefined " + vm + " on " + at);
    }

    /**
     * The host {@code vm} is on, asked of each; one where it runs or is paused comes first (a
     * migration's target has it defined, not running, until it arrives).
     */
    public String locate(String vm) throws IOException {
        String found = null;
        for (Datacenter.HostEntry h : manager.hosts()) {
            try {
                String state = Json.MAPPER.readTree(manager.call(h.name(), "info", vm)).path("state").asText();
                if (state.equals("running") || state.equals("paused")) return h.name();
                if (found == null) found = h.name();
            } catch (IllegalArgumentException notThere) {
                // the next host
            }
        }
        if (found == null) throw new IllegalArgumentException("no host of the datacenter has a VM named '" + vm + "'");
        return found;
    }

    private static String[] prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all.toArray(String[]::new);
    }

    private static String one(List<String> args, String usage) {
        if (args.isEmpty()) throw new IllegalArgumentException(usage);
        return args.getFirst();
    }

    private static String only(List<String> args, String usage) {
        if (args.size() != 1) throw new IllegalArgumentException(usage);
        return args.getFirst();
    }
}
