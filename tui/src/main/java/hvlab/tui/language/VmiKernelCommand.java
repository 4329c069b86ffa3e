package hvlab.tui.language;

import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code vmi kernel NAME [--fresh] [--profile FILE]}: Livewire's integrity checker over the kernel text and system-call table. */
@Command(name = "kernel", description = "Livewire's integrity checker over what the OS profile names: the kernel's text "
        + "and its system-call table. The first run takes a baseline; later runs name every change (status 1).")
final class VmiKernelCommand extends VmiLook {

    @Option(names = "--profile", paramLabel = "FILE", description = "an OS profile (JSON, as hvos.profile.json)")
    Path profile;

    @Option(names = "--fresh", description = "take a new baseline")
    boolean fresh;

    @Override
    public Reply run(Context context) {
        VmiResult.KernelIntegrity r = (VmiResult.KernelIntegrity) ask(context, vm,
                new VmiRequest.KernelIntegrity(OsProfiles.forVm(context, vm, profile), fresh));
        if (r.baselineTaken()) {
            return new Reply(r, vm + ": baseline taken: the kernel text and " + r.syscalls() + " system-call table entries");
        }
        if (r.findings().isEmpty()) {
            return new Reply(r, vm + ": clean: the kernel text and " + r.syscalls() + " system calls as in the baseline");
        }
        List<String> lines = new ArrayList<>();
        lines.add(vm + ": CHANGED since the baseline:");
        r.findings().forEach(f -> lines.add("  " + f.describe()));
        throw CommandFailure.failed(String.join("\n", lines));
    }
}
