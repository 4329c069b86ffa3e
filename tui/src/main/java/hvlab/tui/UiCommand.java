package hvlab.tui;

import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.ansi.UnixLikeTerminal;
import hvlab.tui.language.Interpreter;
import hvlab.tui.language.Place;
import hvlab.tui.ui.CommandRunner;
import hvlab.tui.ui.DatacenterUi;
import hvlab.tui.ui.DemoVms;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.tui.ui.Lecture;
import hvlab.vmm.host.Host;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hv}, {@code hv tui} and {@code hv lecture FILE}: the terminal UI over the embedded
 * datacenter. The terminal is always given back as it was: on quit, on Ctrl-C, and on an
 * internal error, whose details go to a file named on exit rather than onto the screen.
 */
@Command(name = "tui", mixinStandardHelpOptions = true,
        description = {"The terminal UI: a live view of the datacenter (the default when hv is run with no command).",
                "Keys are shown on screen; F1 explains them."})
final class UiCommand implements Callable<Integer> {
    @Mixin
    HostOptions options = new HostOptions();

    @Mixin
    UserOptions userOptions = new UserOptions();

    @Parameters(arity = "0..1", paramLabel = "LECTURE", hidden = true, description = "a lecture to play (hv lecture FILE)")
    Path lecture;

    private final PrintStream err;

    UiCommand(PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        Lecture toPlay = null;
        if (lecture != null) {
            toPlay = readLecture(lecture);
        }
        if (System.console() == null || !System.console().isTerminal()) {
            throw new UsageException("the terminal UI needs a terminal, and this output is not one: "
                    + "use 'hv shell' to type commands, or 'hv script FILE' to run them");
        }
        try (EmbeddedDatacenter dc = startDatacenter(options.store(System.getenv()), options.threads())) {
            Host h1 = dc.host("h1");
            List<String> created = DemoVms.furnish(h1);
            Interpreter interpreter = new Interpreter(h1, Place.SCRIPT, userOptions.principal(options.store(System.getenv())),
                    new hvlab.tui.roles.Users(options.store(System.getenv())));
            CommandRunner commands = line -> interpreter.execute(line).lines();
            return show(dc, commands, toPlay, created);
        }
    }

    /**
     * The default datacenter: a manager and three hosts in this JVM, h1 on the user's store (its
     * demo VMs), h2 and h3 and the datacenter's CA beside it in {@code STORE/datacenter}; the
     * manager and the hosts, and the hosts among themselves, speak TLS over loopback sockets, as
     * across machines.
     */
    static EmbeddedDatacenter startDatacenter(Path store, int threads) throws IOException {
        Path beside = store.resolve("datacenter");
        java.util.Map<String, Path> stores = new java.util.LinkedHashMap<>();
        stores.put("h1", store);
        stores.put("h2", beside.resolve("h2"));
        stores.put("h3", beside.resolve("h3"));
        try {
            // The manager runs the very build its hosts run, in this process: its reference for
            // what a host must measure is renewed at each start (a new build is a new reference).
            // A datacenter of separate processes keeps its reference until a teacher renews it.
            Files.deleteIfExists(beside.resolve("dc").resolve("join-policy.json"));
            return EmbeddedDatacenter.start(beside.resolve("dc"), stores, threads, false);
        } catch (hvlab.vmm.host.HostException | IllegalArgumentException | hvlab.vmmm.manager.Datacenter.JoinRefused e) {
            throw new UsageException("cannot start the datacenter on " + store + ": " + e.getMessage());
        }
    }

    private int show(EmbeddedDatacenter dc, CommandRunner languageCommands, Lecture toPlay, List<String> created) throws IOException {
        Terminal terminal = new DefaultTerminalFactory(System.out, System.in, StandardCharsets.UTF_8)
                .setUnixTerminalCtrlCBehaviour(UnixLikeTerminal.CtrlCBehaviour.TRAP)
                .createTerminal();
        Screen screen = new TerminalScreen(terminal);
        Throwable failure = null;
        try {
            screen.startScreen();
            screen.setCursorPosition(null);
            List<hvlab.vmm.host.HostControl> hosts = new ArrayList<>();
            dc.hostNames().forEach(name -> hosts.add(dc.host(name)));
            DatacenterUi ui = new DatacenterUi(screen, hosts, languageCommands, dc.manager());
            CommandRunner commands = ui.commands();
            if (!created.isEmpty()) {
                ui.say("a new store: made the demo VMs " + String.join(", ", created) + ". Select one and press s to start it.");
            }
            if (toPlay != null) {
                ui.play(toPlay, commands);
            }
            ui.run();
        } catch (Throwable t) {
            failure = t;
        } finally {
            try {
                screen.stopScreen();
            } catch (IOException ignored) {
                // the terminal is gone; nothing left to restore
            }
        }
        if (failure instanceof InterruptedException) {
            return ExitStatus.OK;
        }
        if (failure != null) {
            Path log = Files.createTempFile("hvlab-ui-error", ".log");
            try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(log))) {
                failure.printStackTrace(writer);
            }
            err.println("hv: the terminal UI stopped on an internal error; the details are in " + log);
            return ExitStatus.SOFTWARE;
        }
        return ExitStatus.OK;
    }

    static Lecture readLecture(Path file) {
        Path found = file;
        if (!Files.exists(found)) {
            Path shipped = LectureFiles.extract(file.toString());
            if (shipped == null) {
                throw new UsageException("no lecture " + file + " (a file, or one of: " + String.join(", ", LectureFiles.names()) + ")");
            }
            found = shipped;
        }
        try {
            return Lecture.read(found);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
