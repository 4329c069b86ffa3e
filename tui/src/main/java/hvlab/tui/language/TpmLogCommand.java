package hvlab.tui.language;

import hvlab.vmm.host.TpmReport;
import hvlab.vmm.tpm.PcrBank;
import hvlab.vmm.tpm.TpmEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code tpm log HOST|VM [--pcr N]}: the event log, then the log replayed against the PCRs. */
@Command(name = "log", description = {"Show the event log of the host's TPM or a VM's vTPM: every measurement, in order,",
        "then the log replayed: each PCR recomputed from its events and compared with the TPM's value."})
final class TpmLogCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "HOST|VM", description = "this host's name, or a VM's")
    String target;

    @Option(names = "--pcr", paramLabel = "N", description = "only the events of PCR N")
    Integer pcr;

    @Override
    public Reply run(Context context) {
        if (pcr != null && (pcr < 0 || pcr >= PcrBank.COUNT)) {
            throw CommandFailure.usage("tpm log: --pcr is 0 to 23, not " + pcr);
        }
        TpmReport report = context.host().tpm(target);
        List<String> lines = new ArrayList<>();
        lines.add(target + ": TPM '" + report.tpm() + "', " + report.log().size() + " events, " + report.note());
        lines.add("     #  PCR  type                       digest            description");
        int n = 0;
        for (TpmEvent e : report.log()) {
            n++;
            if (pcr == null || e.pcr() == pcr) {
                lines.add(String.format(Locale.ROOT, "  %4d  %3d  %-26s %s…  %s", n, e.pcr(), e.type(), e.digest().substring(0, 16),
                        e.description()));
            }
        }
        StringBuilder replay = new StringBuilder("  replayed:");
        for (int i = 0; i < PcrBank.COUNT; i++) {
            int at = i;
            if (report.log().stream().anyMatch(e -> e.pcr() == at)) {
                replay.append(" PCR ").append(i).append(report.pcrs().get(i).equals(report.replayedPcrs().get(i)) ? " ✓" : " ✗");
            }
        }
        lines.add(replay.toString());
        return new Reply(report, String.join("\n", lines));
    }
}
