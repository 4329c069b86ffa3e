package hvlab.tui.language;

import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vm start|pause|resume|reset|poweroff|destroy NAME}: one power action, passed to the host
 * as it is. The host knows which actions each state allows and refuses the others naming the
 * state ("cannot pause 'web': it is shut off"); we show its message unchanged.
 * ({@code shutdown} waits for the guest and {@code undefine} may be asked of a missing VM, so
 * each has a class of its own.)
 */
@Command(description = "A power action; see 'help vm'.")
final class VmPowerCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String name;

    @Option(names = "--record", description = "vm start only: record every nondeterministic input from power-on, for 'vm replay'")
    boolean record;

    private final PowerAction action;

    VmPowerCommand(PowerAction action) {
        this.action = action;
    }

    /** The line {@code help} shows for each action. */
    static String describe(PowerAction action) {
        return switch (action) {
            case START -> "Power on a shut-off (or crashed) VM: a fresh boot.";
            case PAUSE -> "Stop a running VM at an instruction boundary; its clock stops too.";
            case RESUME -> "Let a paused VM go on exactly where it stopped.";
            case RESET -> "Power-cycle: boot the same definition afresh (its disk keeps what was written).";
            case SHUTDOWN -> "Press the power button and wait for the guest to power off.";
            case POWEROFF -> "Pull the plug at once.";
            case DESTROY -> "virsh's name for pulling the plug: the same as poweroff.";
            case UNDEFINE -> "Forget a shut-off VM: its definition, image and disk leave the store.";
        };
    }

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("vm " + action.label());
    }

    @Override
    public Reply run(Context context) {
        if (record && action != PowerAction.START) {
            throw CommandFailure.usage("--record goes with 'vm start' only");
        }
        if (record) {
            context.host().replay().startRecorded(name, context.session().actor());
            VmInfo info = context.host().info(name);
            return new Reply(info, String.format("%s started (%s), recording: 'vm replay %s' once it is stopped", name,
                    info.state(), name));
        }
        VmInfo info = context.host().act(name, action, context.session().actor());
        return new Reply(info, String.format("%s %s (%s)", name, pastTense(action), info.state()));
    }

    private static String pastTense(PowerAction action) {
        return switch (action) {
            case START -> "started";
            case PAUSE -> "paused";
            case RESUME -> "resumed";
            case RESET -> "reset";
            case SHUTDOWN -> "asked to shut down";
            case POWEROFF -> "powered off";
            case DESTROY -> "destroyed";
            case UNDEFINE -> "undefined";
        };
    }
}
