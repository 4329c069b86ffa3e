package hvlab.tui;

import hvlab.vmmm.manager.Datacenter;
import hvlab.vmmm.manager.HostRegistry;
import hvlab.vmmm.protocol.Message.Progress;
import hvlab.vmmm.protocol.MigrationLimits;
import hvlab.vmmm.tls.DatacenterCa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hv dc ...}: the manager of a datacenter of hosts that run in their own processes
 * ({@code hv host serve}). Every command joins the hosts it needs afresh (TLS as {@code manager},
 * then a TPM quote) and speaks the protocol of {@code vmmm} to them.
 */
@Command(name = "dc", mixinStandardHelpOptions = true, description = "The datacenter: hv dc init DIR, hv dc hosts, hv dc migrate NAME --to HOST, hv dc vm HOST COMMAND, hv dc balance, place, where, patches, patch, quarantine, replicate, replicas",
        subcommands = {DcCommand.Init.class, DcCommand.Hosts.class, DcCommand.Migrate.class, DcCommand.Vm.class,
                DcManagerCommands.Balance.class, DcManagerCommands.Place.class, DcManagerCommands.Where.class,
                DcManagerCommands.Patches.class, DcManagerCommands.Patch.class, DcManagerCommands.Quarantine.class,
                DcManagerCommands.Replicate.class, DcManagerCommands.Replicas.class})
final class DcCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("say what: hv dc init DIR | hv dc hosts | hv dc migrate NAME --to HOST | hv dc vm HOST COMMAND");
    }

    static DatacenterCa open(Path dc) {
        try {
            return DatacenterCa.open(dc);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Why each host that could not join did not (unreachable, refused), by name. */
    static final java.util.Map<String, String> NOT_JOINED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Joins every registered host; one that cannot be reached or is refused is a line of its own. */
    static Datacenter join(Path dc, PrintWriter err, boolean quiet) throws IOException {
        Datacenter manager = new Datacenter(open(dc));
        for (HostRegistry.Address host : HostRegistry.read(dc)) {
            try {
                manager.join(host.name(), host.address(), host.insecure());
            } catch (IOException | RuntimeException e) {
                String why = "host " + host.name() + " at " + host.address().getHostString() + ":" + host.address().getPort() + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                NOT_JOINED.put(host.name(), why);
                if (!quiet) err.println("hv: " + why);
            }
        }
        return manager;
    }

    /** Null if the host joined (or is not known at all: the caller says so); else why it could not, in one line. */
    static String notJoined(Datacenter manager, String host) {
        return manager.hosts().stream().anyMatch(h -> h.name().equals(host)) ? null : NOT_JOINED.get(host);
    }

    static int unavailable(PrintWriter err, String why) {
        err.println("hv: " + why);
        return ExitStatus.UNAVAILABLE;
    }

    @Command(name = "init", mixinStandardHelpOptions = true, description = "Make a datacenter CA and the manager's certificate in DIR.")
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", defaultValue = "hvlab-dc") Path dir;

        @Override
        public Integer call() {
            try {
                DatacenterCa.init(dir);
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
            spec.commandLine().getOut().println("datacenter CA made in " + dir + " (ca.pem, ca.p12; nodes/manager.p12); start hosts with 'hv host serve --name H --port P --store DIR --dc " + dir + "'");
            return ExitStatus.OK;
        }
    }

    @Command(name = "hosts", mixinStandardHelpOptions = true, description = "Join every host of the datacenter (TLS, TPM quote) and list them.")
    static final class Hosts implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dc", defaultValue = "hvlab-dc") Path dc;
        @Option(names = "--json", description = "an array of {name, address, insecureAddress, verdict}") boolean json;

        @Override
        public Integer call() throws IOException {
            try (Datacenter manager = join(dc, spec.commandLine().getErr(), false)) {
                if (json) {
                    var list = manager.hosts().stream().map(h -> java.util.Map.of("name", h.name(),
                            "address", h.address().getHostString() + ":" + h.address().getPort(),
                            "insecureAddress", h.insecureAddress() == null ? "" : h.insecureAddress().getHostString() + ":" + h.insecureAddress().getPort(),
                            "verdict", h.verdict())).toList();
                    spec.commandLine().getOut().println(hvlab.vmmm.migration.Json.MAPPER.writeValueAsString(list));
                }
                for (Datacenter.HostEntry h : json ? List.<Datacenter.HostEntry>of() : manager.hosts()) {
                    spec.commandLine().getOut().printf("%-10s %s:%d  %s%s%n", h.name(), h.address().getHostString(), h.address().getPort(), h.verdict(),
                            h.insecureAddress() == null ? "" : "  (plaintext migrations on " + h.insecureAddress().getPort() + ")");
                }
                return manager.hosts().size() == HostRegistry.read(dc).size() ? ExitStatus.OK : ExitStatus.FAILED;
            }
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Migrate a running VM live (pre-copy) to another host.")
    static final class Migrate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME") String vm;
        @Option(names = "--to", required = true) String to;
        @Option(names = "--from", description = "the host it is on (default: found by asking each)") String from;
        @Option(names = "--insecure", description = "plaintext, no authentication: what Oberheide et al. attacked") boolean insecure;
        @Option(names = "--via", description = "HOST:PORT of a relay on the way (hv attack mitm)") String via;
        @Option(names = "--stop-and-copy", description = "no pre-copy rounds: pause first, then send everything") boolean stopAndCopy;
        @Option(names = "--dc", defaultValue = "hvlab-dc") Path dc;
        @Option(names = "--json", description = "print the report as JSON (rounds, pages, downtime, total) instead") boolean json;

        @Override
        public Integer call() throws IOException {
            try (Datacenter manager = join(dc, spec.commandLine().getErr(), true)) {
                if (notJoined(manager, to) != null) return unavailable(spec.commandLine().getErr(), notJoined(manager, to));
                String source = from != null ? from : locate(manager, vm);
                if (notJoined(manager, source) != null) return unavailable(spec.commandLine().getErr(), notJoined(manager, source));
                MigrationLimits limits = stopAndCopy ? MigrationLimits.STOP_AND_COPY : MigrationLimits.DEFAULT;
                String report;
                try {
                    report = manager.migrate(vm, source, to, insecure, limits, json ? p -> { } : this::print, via == null ? null : address(via));
                } catch (IllegalArgumentException e) {
                    spec.commandLine().getErr().println("hv: " + e.getMessage());
                    return ExitStatus.BAD_INPUT;
                }
                spec.commandLine().getOut().println(json ? report : hvlab.vmmm.migration.Migrations.describe(
                        hvlab.vmmm.migration.Json.MAPPER.readValue(report, hvlab.vmmm.migration.MigrationReport.class)));
                return ExitStatus.OK;
            }
        }

        private void print(Progress p) {
            spec.commandLine().getOut().println(hvlab.vmmm.migration.Migrations.describe(p));
        }

        private static java.net.InetSocketAddress address(String text) {
            int colon = text.lastIndexOf(':');
            try {
                return new java.net.InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
            } catch (RuntimeException e) {
                throw new UsageException("'" + text + "' is not HOST:PORT");
            }
        }

        private static String locate(Datacenter manager, String vm) throws IOException {
            for (Datacenter.HostEntry h : manager.hosts()) {
                try {
                    manager.call(h.name(), "info", vm);
                    return h.name();
                } catch (IllegalArgumentException notThere) {
                    // next host
                }
            }
            throw new UsageException("no host of the datacenter has a VM named '" + vm + "'");
        }
    }

    @Command(name = "vm", mixinStandardHelpOptions = true,
            description = "A vm command on one host of the datacenter: list, info NAME, create NAME GUEST, start|pause|resume|reset|poweroff|destroy|undefine NAME, console NAME, history NAME.")
    static final class Vm implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "HOST") String host;
        @Parameters(index = "1", paramLabel = "COMMAND") String command;
        @Parameters(index = "2..*", paramLabel = "ARGS") List<String> args = List.of();
        @Option(names = "--dc", defaultValue = "hvlab-dc") Path dc;

        @Override
        public Integer call() throws IOException {
            try (Datacenter manager = join(dc, spec.commandLine().getErr(), true)) {
                if (notJoined(manager, host) != null) return unavailable(spec.commandLine().getErr(), notJoined(manager, host));
                try {
                    String answer = manager.call(host, command, args.toArray(String[]::new));
                    spec.commandLine().getOut().println(command.equals("console") ? hvlab.vmmm.migration.Json.MAPPER.readValue(answer, String.class) : answer);
                    return ExitStatus.OK;
                } catch (IllegalArgumentException e) {
                    spec.commandLine().getErr().println("hv: " + e.getMessage());
                    return ExitStatus.BAD_INPUT;
                }
            }
        }
    }
}
