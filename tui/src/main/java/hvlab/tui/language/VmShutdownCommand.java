package hvlab.tui.language;

import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmInfo;
import hvlab.vmm.host.VmLifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;

/**
 * {@code vm shutdown NAME [--timeout D] [--no-wait]}: press the power button, then wait for the
 * guest to power off. A guest may take its time or ignore the button altogether (as a real OS
 * can), so this is a request, not an order: if the VM is still shutting down when the timeout
 * runs out, the command fails (exit status 1, so a script stops there rather than carry on
 * with a VM it believes is off) and says how to pull the plug. With {@code --no-wait} it only
 * presses the button, as {@code virsh shutdown} does.
 */
@Command(name = "shutdown", description = {"Press the power button and wait for the guest to power off.",
        "Fails if it is still shutting down after the timeout; 'vm poweroff NAME' then pulls the plug."})
final class VmShutdownCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String name;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "10s", converter = Durations.Converter.class,
            description = "how long to wait for the guest (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--no-wait", description = "press the button and return at once")
    boolean noWait;

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("vm shutdown");
    }

    @Override
    public Reply run(Context context) throws InterruptedException {
        long start = System.nanoTime();
        VmInfo pressed = context.host().act(name, PowerAction.SHUTDOWN, context.session().actor());
        if (noWait) {
            return new Reply(pressed, "pressed the power button of " + name + " (" + pressed.state() + ")");
        }
        String shuttingDown = VmLifecycle.SHUTTING_DOWN.label();
        Waiting.StateSeen seen = Waiting.forState(context, name, state -> !state.equals(shuttingDown), timeout,
                "vm shutdown " + name);
        VmInfo end = seen.last();
        String took = Durations.format(Duration.ofMillis((System.nanoTime() - start) / 1_000_000));
        if (end.state().equals(VmLifecycle.DEFINED.label())) {
            return new Reply(end, name + " powered off after " + took + " (" + end.state() + ")");
        }
        if (end.state().equals(shuttingDown)) {
            throw CommandFailure.failed(name + " did not power off within " + Durations.format(timeout)
                    + " (its guest may ignore the power button): 'vm poweroff " + name + "' pulls the plug");
        }
        if (end.state().equals(VmLifecycle.CRASHED.label())) {
            throw CommandFailure.failed(name + " crashed while shutting down"
                    + (end.lastExit() == null ? "" : ": " + end.lastExit()));
        }
        throw CommandFailure.failed(name + " did not power off: it is " + end.state());
    }
}
