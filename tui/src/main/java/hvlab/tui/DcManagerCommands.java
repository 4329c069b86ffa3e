package hvlab.tui;

import hvlab.vmmm.manager.Datacenter;
import hvlab.vmmm.manager.ManagerCommands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The manager's commands on the command line, over hosts in their own processes: each joins the
 * datacenter's hosts (TLS, TPM quote) and runs the same {@link ManagerCommands} as the UI's
 * {@code :dc ...}.
 */
final class DcManagerCommands {
    private DcManagerCommands() {}

    /** Joins, runs {@code words}, prints its lines; a refusal is one line and exit status 2. */
    static int run(CommandSpec spec, Path dc, List<String> words) throws IOException {
        try (Datacenter manager = DcCommand.join(dc, spec.commandLine().getErr(), true)) {
            if (manager.hosts().isEmpty()) {
                return DcCommand.unavailable(spec.commandLine().getErr(), "no host of " + dc + " could be joined (start them with 'hv host serve')");
            }
            try {
                new ManagerCommands(manager, ManagerCommands.Watcher.NONE).run(words).forEach(spec.commandLine().getOut()::println);
                return ExitStatus.OK;
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("hv: " + e.getMessage());
                return ExitStatus.BAD_INPUT;
            }
        }
    }

    static List<String> words(String... first) {
        return new ArrayList<>(List.of(first));
    }

    @Command(name = "balance", mixinStandardHelpOptions = true,
            description = {"Even out the hosts' load by live migration (as VMware DRS): each proposed move with its reason.",
                    "Affinity rules: DIR/affinity.rules, lines 'together A B' or 'apart A B'."})
    static final class Balance implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--dry-run", description = "explain the plan, move nothing") boolean dryRun;
        @Option(names = "--dc", defaultValue = "hvlab-dc") Path dc;

        @Override
        public Integer call() throws IOException {
            List<String> words = words("balance");
            if (dryRun) words.add("--dry-run");
            return run(spec, dc, words);
        }
    }

    @Command(name = "place", mixinStandardHelpOptions = true,
            description = "Say where a VM may run (paper IV.E.2); no host: anywhere. A migration elsewhere is refused before a byte is sent.")
    static final class Place implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "VM") String vm;
        @Parameters(index = "1..*", paramLabel = "HOST") List<String> hosts = List.of();
        @Option(names = "--dc", defaultValue = "hvlab-dc") Path dc;

        @Override
        public Integer call() throws IOException {
            List<String> words = words("place", vm);
            words.addAll(hosts);
            return run(spec, dc, words);
        }
    }

    @Command(name = "where", mixinStandardHelpOptions = true, description = "Where a VM runs, every host it has run on, and where it may run.")
    static final class Where implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "VM") String vm;
        @Option(names = "--dc", defaultValue = "hvlab-dc") Path dc;

        @Override
        public Integer call() throws IOException {
            return run(spec, dc, words("where", vm));
        }
    }

    @Command(name = "patches", mixinStandardHelpOptions = true,
            description = {"Every VM's patch level, read from its history on its host, against the patch catalog (paper IV.D.4):",
                    "VMs off and missing patches, VMs a revert unpatched again (IV.E.3), VMs that cannot be patched."})
    static final class Patches implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "VM", description = "only these VMs") List<String> vms = List.of();
        @Option(names = "--dc", defaultValue = "hvlab-dc") Path dc;

        @Override
        public Integer call() throws IOException {
            List<String> words = words("patches");
            words.addAll(vms);
            return run(spec, dc, words);
        }
    }

    @Command(name = "patch", mixinStandardHelpOptions = true,
            description = "Patch a VM from the catalog: its host snapshots it first; a patch to hvos's disk is applied offline (the VM off).")
    static final class Patch implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "VM") String vm;
        @Parameters(index = "1", paramLabel = "PATCH") String patch;
        @Option(names = "--dc", defaultValue = "hvlab-dc") Path dc;

        @Override
        public Integer call() throws IOException {
            return run(spec, dc, words("patch", vm, patch));
        }
    }

    @Command(name = "quarantine", mixinStandardHelpOptions = true,
            description = "Put a VM on its host's quarantine network (a private segment; a running VM is restarted on it).")
    static final class Quarantine implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "VM") String vm;
        @Option(names = "--dc", defaultValue = "hvlab-dc") Path dc;

        @Override
        public Integer call() throws IOException {
            return run(spec, dc, words("quarantine", vm));
        }
    }

    @Command(name = "replicate", mixinStandardHelpOptions = true,
            description = {"Keep a copy of a running VM on another host (Remus): a checkpoint every epoch, the VM's console and network",
                    "output held until the backup has the checkpoint after it; if the VM's host dies, the backup runs the VM from the",
                    "last one, and nothing the world saw is lost or repeated. --stop ends it (the backup drops its copy)."})
    static final class Replicate implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "VM") String vm;
        @Option(names = "--to", paramLabel = "HOST") String to;
        @Option(names = "--every", paramLabel = "MS", description = "the epoch in milliseconds (default 200)") Long every;
        @Option(names = "--stop") boolean stop;
        @Option(names = "--dc", defaultValue = "hvlab-dc") Path dc;

        @Override
        public Integer call() throws IOException {
            if (stop == (to != null)) throw new UsageException("say either --to HOST or --stop");
            List<String> words = stop ? words("replicate", vm, "--stop") : words("replicate", vm, "--to", to);
            if (every != null && !stop) {
                words.add("--every");
                words.add(String.valueOf(every));
            }
            return run(spec, dc, words);
        }
    }

    @Command(name = "replicas", mixinStandardHelpOptions = true, description = "Every replication from both ends: checkpoints sent and acknowledged, the pause, how long output was held.")
    static final class Replicas implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--dc", defaultValue = "hvlab-dc") Path dc;

        @Override
        public Integer call() throws IOException {
            return run(spec, dc, words("replicas"));
        }
    }
}
