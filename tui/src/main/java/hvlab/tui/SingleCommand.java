package hvlab.tui;

import hvlab.tui.language.Interpreter;
import hvlab.tui.language.Outcome;
import hvlab.tui.language.Place;
import hvlab.tui.language.Secrets;
import hvlab.tui.language.Session;
import hvlab.vmm.host.HostControl;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hv vm ...}, {@code hv wait ...}, {@code hv expect ...}: one command of the management
 * language from the command line, on a host that lives as long as this process. Picocli only
 * takes {@code --store} off the arguments here; every other word goes, in order and unsplit, to
 * the {@link Interpreter}, so {@code hv vm list --json} means what {@code vm list --json} means
 * in the shell. Commands that need a VM to outlive the process ({@code vm start}) are refused
 * with a line that says where to run them instead.
 */
@Command
final class SingleCommand implements Callable<Integer> {
    @Option(names = "--store", paramLabel = "DIR", description = "where defined VMs are kept (default: $HVLAB_STORE, else ./hvlab-data)")
    Path store;

    @Option(names = "--user", paramLabel = "NAME", description = "act for this user of STORE/users (default: the store's owner, an admin)")
    String user;

    @Option(names = "--role", paramLabel = "ROLE", description = "act in a lesser role: operator or auditor")
    String role;

    @Parameters(arity = "0..*", paramLabel = "WORDS", description = "the rest of the command; see 'hv shell' and its 'help'")
    List<String> words = new ArrayList<>();

    private final String word;
    private final HostOpener opener;
    private final PrintStream out;
    private final PrintStream err;

    private SingleCommand(String word, HostOpener opener, PrintStream out, PrintStream err) {
        this.word = word;
        this.opener = opener;
        this.out = out;
        this.err = err;
    }

    /** The command line for {@code hv WORD ...}; unknown options pass through to the language. */
    static CommandLine named(String word, String description, HostOpener opener, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new SingleCommand(word, opener, out, err));
        line.setUnmatchedOptionsArePositionalParams(true);
        line.getCommandSpec().usageMessage().description(description);
        return line;
    }

    @Override
    public Integer call() {
        List<String> command = new ArrayList<>();
        command.add(word);
        command.addAll(words);
        // Parse first: a typo or 'vm start' should not create a store, and --help needs no host.
        Outcome checked = Interpreter.check(command, Place.ONE_SHOT);
        if (checked != Outcome.NOTHING) {
            return print(checked);
        }
        Path at = HostOptions.storeOrDefault(store, System.getenv());
        hvlab.tui.roles.Principal principal = UserOptions.resolve(at, user, role);
        // One worker thread: nothing runs here for long enough to need more.
        HostControl host = opener.open(at, 1);
        try {
            // Progress lines go to stderr, so stdout stays the command's answer; a passphrase comes
            // from HVLAB_PASSPHRASE or, at a terminal, a prompt that does not echo.
            Session session = new Session("command line", text -> err.print(text), () -> false,
                    Secrets.ENVIRONMENT.orElse(SingleCommand::askAtTerminal));
            return print(new Interpreter(host, Place.ONE_SHOT, principal, new hvlab.tui.roles.Users(at)).execute(command, session));
        } finally {
            HostOpener.close(host);
        }
    }

    private static char[] askAtTerminal(String what, boolean confirm) {
        java.io.Console console = System.console();
        if (console == null) {
            return null;
        }
        char[] first = console.readPassword("%s: ", what);
        if (first != null && confirm) {
            char[] again = console.readPassword("%s (again): ", what);
            if (!java.util.Arrays.equals(first, again)) {
                console.printf("the two passphrases differ%n");
                return null;
            }
        }
        return first;
    }

    private int print(Outcome outcome) {
        if (!outcome.text().isEmpty()) {
            out.println(outcome.text().stripTrailing());
        }
        if (outcome.errorForStderr()) {
            err.println("hv: " + outcome.error());
        }
        if (outcome.cause() != null && System.getenv("HV_DEBUG") != null) {
            outcome.cause().printStackTrace(err);
        }
        out.flush();
        return outcome.status();
    }
}
