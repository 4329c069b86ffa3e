package hvlab.tui.language;

import hvlab.vmm.host.TpmReport;
import hvlab.vmm.tpm.PcrBank;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code tpm pcrs HOST|VM}: the PCRs that were extended, each with its number of events and whether the log replays to it. */
@Command(name = "pcrs", description = {"Show the PCRs of the host's TPM or a VM's vTPM that hold measurements.",
        "Each PCR is SHA-256(previous || measurement), folded over its events; the log must replay to it.",
        "A VM that is not running is measured as it would boot (its image and configuration)."})
final class TpmPcrsCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "HOST|VM", description = "this host's name, or a VM's")
    String target;

    @Override
    public Reply run(Context context) {
        TpmReport report = context.host().tpm(target);
        List<String> lines = new ArrayList<>();
        lines.add(target + ": TPM '" + report.tpm() + "', " + report.note());
        for (int pcr = 0; pcr < PcrBank.COUNT; pcr++) {
            int at = pcr;
            long events = report.log().stream().filter(e -> e.pcr() == at).count();
            if (events == 0) {
                continue;
            }
            boolean replays = report.pcrs().get(pcr).equals(report.replayedPcrs().get(pcr));
            lines.add(String.format(Locale.ROOT, "  PCR %2d  %s  %4d event%s  %s", pcr, report.pcrs().get(pcr), events,
                    events == 1 ? " " : "s", replays ? "log replays ✓" : "LOG DOES NOT REPLAY ✗"));
        }
        lines.add("  (the other PCRs hold their power-on values: zeros, all ones for 17-22)");
        return new Reply(report, String.join("\n", lines));
    }

}
