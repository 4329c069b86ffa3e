package hvlab.tui.language;

import hvlab.vmm.vmi.GuestProcess;
import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code vmi ps NAME [--profile FILE]}: the guest kernel's process table, read from outside through its OS profile. */
@Command(name = "ps", description = "List the guest's processes as its kernel's own table holds them, read from outside "
        + "(an OS profile says where: hvos ships one; others need --profile FILE).")
final class VmiPsCommand extends VmiLook {

    @Option(names = "--profile", paramLabel = "FILE", description = "an OS profile (JSON, as hvos.profile.json)")
    Path profile;

    @Override
    public Reply run(Context context) {
        VmiResult.Processes r = (VmiResult.Processes) ask(context, vm, new VmiRequest.Processes(OsProfiles.forVm(context, vm, profile)));
        List<String> lines = new ArrayList<>();
        lines.add(vm + " (" + r.os() + "): " + r.processes().size() + " processes in the kernel's table");
        lines.add("  PID  PPID STATE     NAME             PAGE DIRECTORY");
        r.processes().forEach(p -> lines.add(p.describe()));
        return new Reply(r, String.join("\n", lines));
    }

    static String names(List<GuestProcess> processes) {
        return String.join(", ", processes.stream().map(p -> p.name() + " (pid " + p.pid() + ")").toList());
    }
}
