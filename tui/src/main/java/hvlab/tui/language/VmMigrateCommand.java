package hvlab.tui.language;

import hvlab.vmm.host.Host;
import hvlab.vmmm.manager.HostRegistry;
import hvlab.vmmm.migration.MigrationException;
import hvlab.vmmm.migration.MigrationReport;
import hvlab.vmmm.migration.Migrations;
import hvlab.vmmm.protocol.MigrationLimits;
import hvlab.vmmm.tls.DatacenterCa;
import hvlab.vmmm.tls.Tls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vm migrate NAME --to HOST}: moves a running VM of this process's host, live, to a host of
 * the datacenter ({@code hv host serve}), over TLS as this host (its certificate issued from the
 * datacenter folder). The shell's user is the manager here: no manager process is needed.
 */
@Command(name = "migrate", description = {"Move a running VM live (pre-copy) to a host of the datacenter: hv host serve ... --dc DIR.",
        "It runs on here if anything fails before the target runs it. Prints each round, the downtime and the total time."})
final class VmMigrateCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the running VM to move")
    String vm;

    @Option(names = "--to", required = true, paramLabel = "HOST", description = "the host to move it to")
    String to;

    @Option(names = "--insecure", description = "plaintext to the host's --insecure-port: no secrecy, no integrity (Oberheide et al.)")
    boolean insecure;

    @Option(names = "--stop-and-copy", description = "no pre-copy: pause first and send everything")
    boolean stopAndCopy;

    @Option(names = "--dc", paramLabel = "DIR", defaultValue = "hvlab-dc", description = "the datacenter folder (default ./hvlab-dc)")
    Path dc;

    @Override
    public Reply run(Context context) {
        if (!(context.host() instanceof Host host)) {
            throw CommandFailure.failed("vm migrate needs a host in this process");
        }
        DatacenterCa ca;
        HostRegistry.Address target;
        try {
            ca = DatacenterCa.open(dc);
            target = HostRegistry.read(dc).stream().filter(a -> a.name().equals(to)).findFirst()
                    .orElseThrow(() -> CommandFailure.badInput("no host named '" + to + "' has registered in " + dc));
        } catch (IOException e) {
            throw CommandFailure.badInput(e.getMessage());
        }
        InetSocketAddress address = insecure ? target.insecure() : target.address();
        if (address == null) {
            throw CommandFailure.badInput("host " + to + " takes no plaintext migrations (start it with --insecure-port)");
        }
        List<String> lines = new ArrayList<>();
        try {
            Tls tls = Tls.of(ca, host.name());
            MigrationReport report = Migrations.migrate(host, tls, vm, to, address, insecure,
                    stopAndCopy ? MigrationLimits.STOP_AND_COPY : MigrationLimits.DEFAULT, p -> lines.add(Migrations.describe(p)));
            lines.add(Migrations.describe(report));
            return new Reply(report, String.join("\n", lines));
        } catch (IOException | MigrationException e) {
            throw CommandFailure.badInput(e.getMessage());
        }
    }

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("vm migrate");
    }
}
