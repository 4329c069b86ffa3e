package hvlab.tui.language;

import hvlab.vmm.host.ReplayReport;
import hvlab.vmm.replay.Replayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vm replay NAME [--until TIME] [--ps]}: re-executes the VM's recording in a machine of its
 * own and says whether it reached the recorded end with the same registers, memory and serial
 * output, or where it diverged. {@code --until} stops at a moment of guest time instead, to look
 * at the guest as it was then (its console, and with {@code --ps} its processes).
 */
@Command(name = "replay", description = {"Replay a VM's recording in a machine of its own (the VM is not touched) and check",
        "that it ends in the same state, or name the first point where it diverged. --until TIME stops at that",
        "moment of guest time (e.g. 2.5s) to look at the guest then; --ps lists its processes there."})
final class VmReplayCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM whose recording to replay")
    String name;

    @Option(names = "--until", paramLabel = "TIME", converter = Durations.Converter.class,
            description = "stop at this much guest time (500ms, 2.5s, ...)")
    Duration until;

    @Option(names = "--ps", description = "list the guest's processes where the replay stopped (needs an OS profile)")
    boolean ps;

    @Option(names = "--profile", paramLabel = "FILE", description = "an OS profile for --ps (hvos ships one)")
    Path profile;

    @Override
    public String refusal(Place place) {
        return null;
    }

    @Override
    public Reply run(Context context) {
        if (until != null && (until.isNegative() || until.isZero())) {
            throw CommandFailure.usage("--until takes a positive time, such as 2s");
        }
        long untilNanos = until == null ? Replayer.TO_THE_END : until.toNanos();
        ReplayReport r = context.host().replay().replay(name, untilNanos,
                ps ? OsProfiles.forVm(context, name, profile) : null, context.session().actor());
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%s: replay %s after %,d of %,d events, %s, guest time %.3f s (%d ms to replay)", name, r.verdict(),
                r.events(), r.totalEvents(), r.point(), r.virtualNanos() / 1e9, r.millis()));
        lines.add("  " + r.detail());
        lines.add("  memory sha256 " + r.memorySha256());
        if (until != null) {
            lines.add("  console there, last lines:");
            String[] console = r.console().split("\n", -1);
            for (int i = Math.max(0, console.length - 6); i < console.length; i++) {
                lines.add("    | " + console[i]);
            }
        }
        if (ps) {
            lines.add("  PID  PPID STATE     NAME             PAGE DIRECTORY");
            r.processes().forEach(p -> lines.add(p.describe()));
        }
        Reply reply = new Reply(r, String.join("\n", lines));
        if (r.verdict().equals("diverged")) {
            throw CommandFailure.failed(String.join("\n", lines));
        }
        return reply;
    }
}
