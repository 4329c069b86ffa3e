package hvlab.tui;

import hvlab.vmmm.attack.MitmProxy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;

/** {@code hv attack mitm}: Oberheide et al.'s man in the middle of a live migration, on loopback. */
@Command(name = "attack", mixinStandardHelpOptions = true, description = "Attacks to watch fail (or succeed): hv attack mitm --listen P --to HOST:PORT",
        subcommands = AttackCommand.Mitm.class)
final class AttackCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("say which: hv attack mitm --listen P --to HOST:PORT");
    }

    @Command(name = "mitm", mixinStandardHelpOptions = true,
            description = "Relay a migration stream and rewrite guest memory in transit (plaintext); over TLS it can only break it. "
                    + "Then: hv dc migrate NAME --to HOST [--insecure] --via 127.0.0.1:P")
    static final class Mitm implements Callable<Integer> {
        @Option(names = "--listen", required = true, description = "the loopback port to listen on") int listen;
        @Option(names = "--to", required = true, description = "HOST:PORT to relay to (the target's TLS port, or its --insecure-port)") String to;
        @Option(names = "--find", defaultValue = "count ", description = "text to find in guest memory (default 'count ')") String find;
        @Option(names = "--replace", defaultValue = "owned ", description = "what to put there, of the same length (default 'owned ')") String replace;

        @Override
        public Integer call() throws Exception {
            int colon = to.lastIndexOf(':');
            InetSocketAddress target;
            try {
                target = new InetSocketAddress(to.substring(0, colon), Integer.parseInt(to.substring(colon + 1)));
            } catch (RuntimeException e) {
                throw new UsageException("'" + to + "' is not HOST:PORT");
            }
            MitmProxy proxy;
            try {
                proxy = new MitmProxy(listen, target, find, replace, line -> System.out.println("mitm: " + line));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            } catch (java.io.IOException e) {
                throw new UsageException("cannot listen on port " + listen + ": " + e.getMessage());
            }
            System.out.println("mitm: relaying 127.0.0.1:" + proxy.address().getPort() + " -> " + to + "; Ctrl-C ends it");
            Thread.currentThread().join();
            return ExitStatus.OK;
        }
    }
}
