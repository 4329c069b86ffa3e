package hvlab.tui;

import hvlab.tui.shell.Shell;
import hvlab.vmm.host.HostControl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hv shell}: the interactive shell of the management language on a host of this process. */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"The management language at a prompt: line editing, history, Tab completion of commands and VM names.",
                "Type 'help' for the commands; quit, exit or Ctrl-D leaves (and powers off the VMs still running); "
                        + "Ctrl-C ends a running wait or vm console --follow."})
final class ShellCommand implements Callable<Integer> {
    @Mixin
    HostOptions hostOptions;

    @Mixin
    UserOptions userOptions;

    @Option(names = "--history", paramLabel = "FILE", description = "where to keep the command history (default: ~/.hvlab_history)")
    Path history;

    @Option(names = "--datacenter", description = "start ./hv's datacenter in this process (hosts h1-h3 over loopback TLS, h1 on the store)"
            + " and let 'dc ...' run on its manager; the shell's own host is h1")
    boolean datacenter;

    private final HostOpener opener;
    private final InputStream in;
    private final PrintStream out;

    ShellCommand(HostOpener opener, InputStream in, PrintStream out) {
        this.opener = opener;
        this.in = in;
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        Path store = hostOptions.store(System.getenv());
        int threads = hostOptions.threads();
        hvlab.tui.roles.Principal principal = userOptions.principal(store); // before the host: a wrong user creates nothing
        hvlab.vmmm.manager.EmbeddedDatacenter dc = datacenter ? UiCommand.startDatacenter(store, threads) : null;
        HostControl host = dc != null ? dc.host("h1") : opener.open(store, threads);
        try (Terminal terminal = terminal()) {
            Path historyFile = history != null ? history : Path.of(System.getProperty("user.home"), ".hvlab_history");
            String banner = "hvlab shell on host '" + host.name() + "' (store " + store + ", " + threads + " worker thread"
                    + (threads == 1 ? "" : "s") + ") as " + principal.label()
                    + (dc == null ? "" : ", in a datacenter of hosts " + String.join(", ", dc.hostNames()) + " ('dc ...' for its manager)")
                    + ". Type 'help' for the commands, 'quit' to leave.";
            var interpreter = new hvlab.tui.language.Interpreter(host, hvlab.tui.language.Place.SHELL, principal,
                    new hvlab.tui.roles.Users(store));
            if (dc != null) {
                interpreter = interpreter.withDatacenter(new hvlab.vmmm.manager.ManagerCommands(dc.manager(), hvlab.vmmm.manager.ManagerCommands.Watcher.NONE));
            }
            return new Shell(host, interpreter, terminal, historyFile, System.getenv("HV_DEBUG") != null).run(banner);
        } finally {
            if (dc != null) {
                dc.close();
            } else {
                HostOpener.close(host);
            }
        }
    }

    /**
     * The real terminal when we were given the process's own streams (JLine falls back to a
     * "dumb" one, quietly, when standard input is a pipe); otherwise a dumb terminal over the
     * streams we were given, which is how tests drive the shell.
     */
    private Terminal terminal() throws IOException {
        if (in == System.in && out == System.out) {
            return TerminalBuilder.builder().name("hv").system(true).dumb(true).build();
        }
        return new DumbTerminal("hv", Terminal.TYPE_DUMB, in, out, StandardCharsets.UTF_8);
    }
}
