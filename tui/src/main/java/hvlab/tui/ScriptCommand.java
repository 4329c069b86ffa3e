package hvlab.tui;

import hvlab.tui.language.Interpreter;
import hvlab.tui.language.Place;
import hvlab.tui.script.Script;
import hvlab.vmm.host.HostControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hv script FILE}: run a file of management-language commands on a host that lives as long as the script. */
@Command(name = "script", mixinStandardHelpOptions = true,
        description = {"Run a file of management-language commands ('#' starts a comment) on a host of this process.",
                "Every line is parsed before the first runs; the first line that fails stops the script, named as "
                        + "FILE:LINE: message. VMs still running at the end are powered off with the host."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every line succeeded", "1:an expect or a wait failed, or a guest ignored vm shutdown",
                "65:a line is written wrong, or the host refused it (unknown VM, illegal transition...)",
                "66:the script cannot be read", "73:the store cannot be created or written"})
final class ScriptCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE",
            description = "the script; - reads it from standard input; a name such as fair-shares runs a shipped script")
    String file;

    @Mixin
    HostOptions hostOptions;

    @Mixin
    UserOptions userOptions;

    @Option(names = {"-x", "--trace"}, description = "print each line on standard error before it runs")
    boolean trace;

    @Option(names = "--datacenter", description = "start ./hv's datacenter in this process (hosts h1-h3, h1 on the store) and let 'dc ...' run on its manager")
    boolean datacenter;

    private final HostOpener opener;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    ScriptCommand(HostOpener opener, InputStream in, PrintStream out, PrintStream err) {
        this.opener = opener;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    private Optional<Script> builtIn() {
        try {
            return Script.builtIn(file);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Integer call() {
        Script script;
        try {
            script = file.equals("-") ? new Script("stdin", new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    : Script.read(Path.of(file));
        } catch (NoSuchFileException e) {
            Optional<Script> shipped = builtIn();
            if (shipped.isEmpty()) {
                err.println("hv: cannot read script '" + file + "': no such file (nor a shipped script of that name)");
                return ExitStatus.NO_INPUT;
            }
            script = shipped.get();
        } catch (IOException e) {
            err.println("hv: cannot read script '" + file + "': " + e.getMessage());
            return ExitStatus.NO_INPUT;
        }
        // Check before opening the host: a script with a typo should not even create the store.
        Script.Result checked = script.check();
        if (!checked.ok()) {
            err.println(checked.error());
            return checked.status();
        }
        java.nio.file.Path store = hostOptions.store(System.getenv());
        hvlab.tui.roles.Principal principal = userOptions.principal(store);
        hvlab.vmmm.manager.EmbeddedDatacenter dc;
        try {
            dc = datacenter ? UiCommand.startDatacenter(store, hostOptions.threads()) : null;
        } catch (java.io.IOException e) {
            err.println("hv: cannot start the datacenter: " + e.getMessage());
            return ExitStatus.CANT_CREATE;
        }
        HostControl host = dc != null ? dc.host("h1") : opener.open(store, hostOptions.threads());
        Script.Result result;
        try {
            Interpreter interpreter = new Interpreter(host, Place.SCRIPT, principal, new hvlab.tui.roles.Users(store));
            if (dc != null) {
                interpreter = interpreter.withDatacenter(new hvlab.vmmm.manager.ManagerCommands(dc.manager(), hvlab.vmmm.manager.ManagerCommands.Watcher.NONE));
            }
            result = script.run(interpreter, out::println, trace ? err::println : line -> { });
        } finally {
            if (dc != null) {
                dc.close();
            } else {
                HostOpener.close(host);
            }
        }
        out.flush();
        if (!result.ok()) {
            err.println(result.error());
        }
        return result.status();
    }
}
