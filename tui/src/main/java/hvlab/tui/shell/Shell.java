package hvlab.tui.shell;

import hvlab.tui.ExitStatus;
import hvlab.tui.language.Interpreter;
import hvlab.tui.language.Outcome;
import hvlab.tui.language.Place;
import hvlab.tui.language.Secrets;
import hvlab.tui.language.Session;
import hvlab.tui.language.Tokenizer;
import hvlab.vmm.host.HostControl;
import hvlab.vmm.host.VmLifecycle;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code hv shell}: the management language at a prompt. JLine gives line editing, a history that
 * outlives the session, and Tab completion ({@link LanguageCompleter}); the {@link Interpreter}
 * does the rest, exactly as it does for a script.
 *
 * <p>Ctrl-C means two things. At the prompt, JLine turns it into {@link UserInterruptException}:
 * we drop the half-typed line and prompt again. While a command runs (a {@code wait}, a
 * {@code vm console --follow}), the terminal is back in its normal mode, so Ctrl-C arrives as
 * the INT signal: we catch it for the length of the command and tell the command through its
 * {@link Session}, which ends it; without that, Ctrl-C would end the whole JVM and every VM in it.
 */
public final class Shell {
    private final HostControl host;
    private final Interpreter interpreter;
    private final Terminal terminal;
    private final Path history;
    private final boolean debug;
    private LineReader reader;

    /**
     * @param history the file JLine keeps the command history in
     * @param debug   print the stack trace behind an internal error ({@code HV_DEBUG=1})
     */
    public Shell(HostControl host, Terminal terminal, Path history, boolean debug) {
        this(host, new Interpreter(host, Place.SHELL), terminal, history, debug);
    }

    /** A shell whose commands go to {@code interpreter} (with its user and role). */
    public Shell(HostControl host, Interpreter interpreter, Terminal terminal, Path history, boolean debug) {
        this.host = host;
        this.interpreter = interpreter;
        this.terminal = terminal;
        this.history = history;
        this.debug = debug;
    }

    /** Reads and runs lines until {@code quit}, {@code exit} or Ctrl-D; the shell's exit status is 0. */
    public int run(String banner) {
        reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("hv")
                .parser(Tokenizer.parser())
                .completer(new LanguageCompleter(host))
                .variable(LineReader.HISTORY_FILE, history)
                // '!' is text here ("vm send t1 hello!"), not bash's history expansion.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        PrintWriter out = terminal.writer();
        out.println(banner);
        String prompt = host.name() + "> ";
        while (true) {
            String line;
            try {
                line = reader.readLine(prompt);
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            Outcome outcome = runInterruptibly(line, out);
            show(outcome, out);
            if (outcome.quit()) {
                break;
            }
        }
        long running = host.list().stream().filter(vm -> VmLifecycle.parse(vm.state()).active()).count();
        if (running > 0) {
            out.println("powering off " + running + " VM" + (running == 1 ? "" : "s")
                    + " still running with this shell (their definitions stay in the store)");
        }
        out.flush();
        return ExitStatus.OK;
    }

    /** Runs one line with Ctrl-C wired to its session for as long as it runs. */
    private Outcome runInterruptibly(String line, PrintWriter out) {
        AtomicBoolean ctrlC = new AtomicBoolean();
        AtomicBoolean midLine = new AtomicBoolean();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> ctrlC.set(true));
        try {
            Session session = new Session("shell", text -> {
                out.print(text);
                out.flush();
                midLine.set(!text.isEmpty() && !text.endsWith("\n"));
            }, ctrlC::get, Secrets.ENVIRONMENT.orElse(this::ask));
            return interpreter.execute(line, session);
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            if (midLine.get()) {
                out.println(); // streamed output that stopped mid-line must not swallow the prompt
            }
        }
    }

    /** A passphrase typed at a prompt that shows stars, asked twice when it is a new one; null on Ctrl-C or Ctrl-D. */
    private char[] ask(String what, boolean confirm) {
        reader.setVariable(LineReader.DISABLE_HISTORY, true); // a passphrase must not land in ~/.hvlab_history
        try {
            String first = reader.readLine(what + ": ", '*');
            if (confirm && !first.equals(reader.readLine(what + " (again): ", '*'))) {
                terminal.writer().println("the two passphrases differ");
                return null;
            }
            return first.toCharArray();
        } catch (UserInterruptException | EndOfFileException e) {
            return null;
        } finally {
            reader.setVariable(LineReader.DISABLE_HISTORY, false);
        }
    }

    private void show(Outcome outcome, PrintWriter out) {
        outcome.lines().forEach(out::println);
        if (debug && outcome.cause() != null) {
            outcome.cause().printStackTrace(out);
        }
        out.flush();
    }
}
