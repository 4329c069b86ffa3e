package hvlab.tui.language;

import hvlab.vmm.TrapRecord;
import hvlab.vmm.host.TrapLogReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code vm traps NAME [--kind K] [--last N] [--boot]}: the VM's trap log, as the UI's view 5 shows it. */
@Command(name = "traps", description = {"Show a VM's latest traps: each exit with the guest's instruction and what the VMM did.",
        "The VMM samples (the first 256 of a quiet spell, then at most 20 a second) so a guest trapping a million times a second stays readable."})
final class VmTrapsCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM (running, or the log of its last run)")
    String vm;

    @Option(names = "--kind", paramLabel = "K", description = "only this kind: privileged, io, hypercall, cpuid, interrupt, fault, translated, shadow-pf, mmio")
    String kind;

    @Option(names = "--last", paramLabel = "N", defaultValue = "20", description = "at most N records (default ${DEFAULT-VALUE})")
    int last;

    @Option(names = "--boot", description = "the first traps of the VM's run instead of the latest: its boot, from its first "
            + "privileged instruction (at most 256 kept)")
    boolean boot;

    @Override
    public Reply run(Context context) {
        if (last < 1) {
            throw CommandFailure.usage("vm traps: --last must be at least 1");
        }
        TrapLogReport report = boot ? context.host().bootTraps(vm) : context.host().trapLog(vm, 0);
        List<TrapRecord> records = report.records().stream().filter(r -> kind == null || r.kind().equals(kind)).toList();
        records = boot ? records.subList(0, Math.min(last, records.size())) : records.subList(Math.max(0, records.size() - last), records.size());
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%s: %d traps in all; kept: the first 256 of a quiet spell, then %d a second%s", vm, report.seen(),
                report.perSecond(), kind == null ? "" : ", " + kind + " only"));
        for (TrapRecord r : records) {
            lines.add(String.format(Locale.ROOT, "  #%-8d %08x  %-10s %s → %s", r.seq(), r.eip(), r.kind(), r.instruction(), r.action()));
        }
        if (records.isEmpty()) {
            lines.add("  (none sampled" + (report.seen() == 0 ? ": is it running?" : "") + ")");
        }
        return new Reply(new TrapLogReport(report.seen(), report.perSecond(), records), String.join("\n", lines));
    }

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("vm traps");
    }
}
