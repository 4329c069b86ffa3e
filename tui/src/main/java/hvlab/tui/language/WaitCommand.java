package hvlab.tui.language;

import hvlab.vmm.host.VmLifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code wait NAME --console TEXT | --state S [--timeout D]} and {@code wait --for D}: the pauses
 * of a script. Waiting for what you mean ("until the console says 'tick 5'") rather than for a
 * time that happened to be enough on your machine keeps a script right on a slower one. A wait
 * that times out fails (exit status 1) and says what it saw instead.
 */
@Command(name = "wait", description = {"Wait for a VM's console to show TEXT or for it to reach state S, or for a time.",
        "  wait NAME --console TEXT [--timeout D]",
        "  wait NAME --state S [--timeout D]",
        "  wait --for D",
        "Durations: 500ms, 2s, 1m, 1h or a number of seconds. The console wait looks at all the output the host keeps."})
final class WaitCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "the VM to watch")
    String name;

    @Option(names = "--console", paramLabel = "TEXT", description = "until the console contains TEXT")
    String console;

    @Option(names = "--state", paramLabel = "S", converter = States.Converter.class,
            description = "until the VM is in state S (defined, running, paused, shutting-down, crashed)")
    VmLifecycle state;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "30s", converter = Durations.Converter.class,
            description = "give up after D (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--for", paramLabel = "D", converter = Durations.Converter.class, description = "just wait for D")
    Duration period;

    @Override
    public String refusal(Place place) {
        String form = checkForm();
        if (form != null) {
            return form;
        }
        return name == null ? null : place.refuseUnlessHostKeepsRunning("wait " + name);
    }

    /** The three forms exclude each other; say which one was meant when they are mixed. */
    private String checkForm() {
        if (period != null) {
            return name == null && console == null && state == null ? null
                    : "wait --for D takes no VM, --console or --state (see 'help wait')";
        }
        if (name == null) {
            return "wait needs NAME --console TEXT, NAME --state S, or --for D (see 'help wait')";
        }
        if ((console == null) == (state == null)) {
            return "wait " + name + " needs exactly one of --console TEXT or --state S (see 'help wait')";
        }
        return null;
    }

    @Override
    public Reply run(Context context) throws InterruptedException {
        long start = System.nanoTime();
        if (period != null) {
            Waiting.sleep(period, context.session(), "wait --for");
            return new Reply(Map.of("waitedMillis", period.toMillis()), "");
        }
        String what = "wait " + name;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("vm", name);
        if (console != null) {
            Waiting.ConsoleSeen seen = Waiting.forConsole(context, name, console, timeout, what);
            if (!seen.met()) {
                throw CommandFailure.failed("timed out after " + Durations.format(timeout) + " waiting for '" + console
                        + "' on the console of " + name + " (" + Waiting.lastLine(seen.console()) + ")");
            }
            data.put("console", console);
        } else {
            Waiting.StateSeen seen = Waiting.forState(context, name, s -> s.equals(state.label()), timeout, what);
            if (!seen.met()) {
                throw CommandFailure.failed("timed out after " + Durations.format(timeout) + " waiting for " + name
                        + " to be " + state.label() + ": it is " + seen.last().state());
            }
            data.put("state", state.label());
        }
        Duration took = Duration.ofMillis((System.nanoTime() - start) / 1_000_000);
        data.put("waitedMillis", took.toMillis());
        String text = console != null ? "'" + console + "' is on the console of " + name : name + " is " + state.label();
        return new Reply(data, text + " (waited " + Durations.format(took) + ")");
    }
}
