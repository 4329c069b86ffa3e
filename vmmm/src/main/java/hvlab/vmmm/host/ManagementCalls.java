package hvlab.vmmm.host;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.migration.MigrationException;
import hvlab.vmmm.migration.Migrations;
import hvlab.vmmm.protocol.Message.*;
import hvlab.vmmm.replication.ReplicationException;
import hvlab.vmmm.replication.Replicas;
import hvlab.vmmm.tls.Tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What the manager may ask of a host over its connection: a few of the management language's VM
 * commands (so that {@code vm ... --host H} works on a host in another process), and migration
 * orders. Answers are JSON ({@code Result.ok}) or one error line.
 */
final class ManagementCalls {
    /** Progress events go back to the manager as they happen. */
    interface ProgressSink {
        void send(Progress progress) throws IOException;
    }

    private final Host host;
    private final Tls tls;

    ManagementCalls(Host host, Tls tls) {
        this.host = host;
        this.tls = tls;
    }

    Result call(Call call) {
        List<String> a = call.args();
        try {
            Object answer = switch (call.command()) {
                case "list" -> host.list();
                case "info" -> host.info(arg(a, 0));
                case "create" -> host.create(VmSpec.of(arg(a, 0), arg(a, 1)));
                case "console" -> host.console(arg(a, 0), 0).text();
                case "history" -> host.history(arg(a, 0));
                case "load" -> hvlab.vmmm.balance.LoadReport.of(host);
                case "placement" -> hvlab.vmmm.migration.Placement.read(folder(arg(a, 0)), host.name());
                case "place" -> place(arg(a, 0), a.subList(1, a.size()));
                case "patch" -> hvlab.vmmm.patch.Patching.patch(host, arg(a, 0), arg(a, 1), hvlab.vmmm.patch.PatchCatalog.shipped());
                case "quarantine" -> hvlab.vmmm.patch.Patching.quarantine(host, arg(a, 0), a.size() > 1 ? a.get(1) : "the manager's order");
                case "start", "pause", "resume", "reset", "poweroff", "destroy", "undefine" ->
                        host.act(arg(a, 0), PowerAction.valueOf(call.command().toUpperCase()), "manager");
                case "replicate" -> Replicas.of(host).replicate(tls, arg(a, 0), arg(a, 1), parse(arg(a, 2)), millis(arg(a, 3)));
                case "replicas" -> Replicas.of(host).status();
                case "unreplicate" -> Replicas.of(host).stop(arg(a, 0));
                // what an operator at the host's shell would do: type a line, make a network
                case "send" -> {
                    host.send(arg(a, 0), (arg(a, 1) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    yield "typed";
                }
                case "net-create" -> host.network().list().stream().anyMatch(n -> n.name().equals(arg(a, 0)))
                        ? host.network().show(arg(a, 0)) : host.network().create(arg(a, 0));
                default -> throw new HostException("'" + call.command() + "' is not a call a host takes");
            };
            return new Result(true, Json.MAPPER.writeValueAsString(answer));
        } catch (HostException | IllegalArgumentException | ReplicationException e) {
            return new Result(false, e.getMessage());
        } catch (IOException e) {
            return new Result(false, "cannot write the answer: " + e.getMessage());
        }
    }

    Result migrate(Migrate order, ProgressSink progress) {
        InetSocketAddress address;
        try {
            address = parse(order.address());
        } catch (IllegalArgumentException e) {
            return new Result(false, e.getMessage());
        }
        try {
            var report = Migrations.migrate(host, tls, order.vm(), order.target(), address, order.insecure(), order.limits(), p -> {
                try {
                    progress.send(p);
                } catch (IOException ignored) {
                    // the manager went away; the migration goes on and its outcome is in the history
                }
            });
            return new Result(true, Json.MAPPER.writeValueAsString(report));
        } catch (MigrationException e) {
            return new Result(false, e.getMessage());
        } catch (IOException e) {
            return new Result(false, "cannot write the report: " + e.getMessage());
        }
    }

    private java.nio.file.Path folder(String vm) {
        host.info(vm); // one clear line if there is no such VM
        return host.store().folder(vm);
    }

    /** Sets where {@code vm} may run (paper IV.E.2); none: anywhere. It must be allowed where it is. */
    private hvlab.vmmm.migration.Placement place(String vm, List<String> allowed) {
        var placement = hvlab.vmmm.migration.Placement.read(folder(vm), host.name());
        for (String name : allowed) {
            hvlab.vmmm.tls.DatacenterCa.checkName(name);
        }
        if (!allowed.isEmpty() && !allowed.contains(host.name())) {
            throw new IllegalArgumentException("'" + vm + "' runs on " + host.name() + ", which the new policy leaves out: allow "
                    + host.name() + " too, or move it first");
        }
        var updated = new hvlab.vmmm.migration.Placement(allowed, placement.locations());
        updated.write(host.store().folder(vm));
        host.record(vm, "placement", java.util.Map.of("allowed", allowed.isEmpty() ? "any host" : String.join(",", allowed), "actor", "manager"));
        return updated;
    }

    static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        try {
            if (colon <= 0) throw new NumberFormatException();
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535) throw new NumberFormatException();
            return new InetSocketAddress(address.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + address + "' is not HOST:PORT");
        }
    }

    private static long millis(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number of milliseconds");
        }
    }

    private static String arg(List<String> args, int i) {
        if (i >= args.size()) throw new IllegalArgumentException("the call needs " + (i + 1) + " arguments");
        return args.get(i);
    }
}
