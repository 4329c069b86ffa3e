package hvlab.tui;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmmm.host.HostServer;
import hvlab.vmmm.manager.HostRegistry;
import hvlab.vmmm.tls.DatacenterCa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hv host serve}: one host in its own process, serving the datacenter over TLS until it is killed. */
@Command(name = "host", mixinStandardHelpOptions = true, description = "Run a host of the datacenter: hv host serve --name H --port P --store DIR --dc DCDIR",
        subcommands = HostServeCommand.Serve.class)
final class HostServeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("say what: hv host serve --name H --port P --store DIR --dc DCDIR");
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve one host over TLS (mutual authentication with the datacenter CA's certificates) until killed.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "the host's name (its certificate's CN)") String name;
        @Option(names = "--port", required = true, description = "the TLS port (0: any free port)") int port;
        @Option(names = "--store", required = true, description = "the host's store folder") Path store;
        @Option(names = "--dc", defaultValue = "hvlab-dc", description = "the datacenter folder made by 'hv dc init' (default ./hvlab-dc)") Path dc;
        @Option(names = "--insecure-port", defaultValue = "-1", description = "also take plaintext migrations on this port (the Oberheide demo; off by default)") int insecurePort;
        @Option(names = "--threads", defaultValue = "0", description = "worker threads (default: one per core)") int threads;
        @Option(names = "--bind", defaultValue = "127.0.0.1", description = "the address to listen on (default loopback)") String bind;
        @Option(names = "--profile", defaultValue = "full", description = "what the host may do to its VMs, measured into its TPM's PCR 7: "
                + "full (default), inspection (look and intervene; no image leaves) or availability (no introspection, intervention or image copy)")
        String profile;

        @Override
        public Integer call() throws Exception {
            DatacenterCa ca;
            try {
                DatacenterCa.checkName(name);
                ca = DatacenterCa.open(dc);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            hvlab.vmm.host.HostProfile chosen;
            try {
                chosen = hvlab.vmm.host.HostProfile.parse(profile);
            } catch (HostException e) {
                throw new UsageException(e.getMessage());
            }
            Host host = new Host(name, store, workers, chosen);
            HostServer server;
            try {
                server = new HostServer(host, ca, InetAddress.getByName(bind), port, insecurePort);
            } catch (IOException e) {
                host.close();
                throw new HostException("cannot listen on port " + port + ": " + e.getMessage());
            }
            HostRegistry.register(ca.folder(), name, server.address(), server.insecureAddress());
            PrintStream out = System.out;
            out.println("host " + name + " serving on " + server.address().getHostString() + ":" + server.address().getPort()
                    + (server.insecureAddress() == null ? "" : " (plaintext migrations on port " + server.insecureAddress().getPort() + ")")
                    + "; store " + store + "; profile " + chosen.label() + "; Ctrl-C ends it");
            out.flush();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                host.close();
            }));
            Thread.currentThread().join();
            return ExitStatus.OK;
        }
    }
}
