package hvlab.tui.language;

import hvlab.vmm.host.RecordingInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vm recording NAME [--stop]}: what the VM's recording holds (events, bytes, guest time),
 * or, with {@code --stop}, ends a running VM's recording at this instruction (the VM runs on).
 */
@Command(name = "recording", description = {"Show a VM's recording (from 'vm start NAME --record'): events, size, guest time.",
        "--stop ends it here while the VM runs on; it also ends when the VM stops."})
final class VmRecordingCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String name;

    @Option(names = "--stop", description = "end the recording now")
    boolean stop;

    @Override
    public String refusal(Place place) {
        return stop ? place.refuseUnlessHostKeepsRunning("vm recording --stop") : null;
    }

    @Override
    public Reply run(Context context) {
        RecordingInfo r = stop ? context.host().replay().stopRecording(name, context.session().actor())
                : context.host().replay().recording(name);
        String state = r.active() ? "recording" : r.complete() ? "complete" : r.events() == 0 ? "none" : "incomplete";
        String text = String.format("%s: %s, %,d events, %,d bytes, %.3f s of guest time%s", name, state, r.events(), r.bytes(),
                r.virtualNanos() / 1e9, r.problem() == null || r.complete() ? "" : " (" + r.problem() + ")");
        if (r.virtualNanos() > 0 && r.bytes() > 0) {
            text += String.format("; %,.0f bytes per second of guest time", r.bytes() / (r.virtualNanos() / 1e9));
        }
        return new Reply(r, text);
    }
}
