package hvlab.tui.language;

import hvlab.vmm.vmi.IntegrityBaseline;
import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code vmi integrity NAME [--fresh] [--strict]}: Livewire's integrity checker on the guest's IDT and handlers. */
@Command(name = "integrity", description = {"Compare the guest's interrupt table and the first bytes of each handler with a baseline.",
        "The first check takes the baseline (do it while the guest is still clean); later ones report every change."})
final class VmiIntegrityCommand extends VmiLook {

    @Option(names = "--fresh", description = "take a new baseline now")
    boolean fresh;

    @Option(names = "--strict", description = "fail (status 1) if anything changed")
    boolean strict;

    @Override
    public Reply run(Context context) {
        VmiResult.Integrity r = (VmiResult.Integrity) ask(context, vm, new VmiRequest.Integrity(fresh));
        if (r.baselineTaken()) {
            return new Reply(r, vm + ": baseline taken: " + r.gatesWatched() + " IDT gates and their handlers");
        }
        if (r.findings().isEmpty()) {
            return new Reply(r, vm + ": clean: " + r.gatesWatched() + " IDT gates and their handlers as in the baseline");
        }
        List<String> lines = new ArrayList<>();
        lines.add(vm + ": CHANGED since the baseline (" + r.findings().size() + "):");
        r.findings().stream().map(IntegrityBaseline.Finding::describe).forEach(f -> lines.add("  " + f));
        if (strict) {
            throw CommandFailure.failed(String.join("; ", lines));
        }
        return new Reply(r, String.join("\n", lines));
    }
}
