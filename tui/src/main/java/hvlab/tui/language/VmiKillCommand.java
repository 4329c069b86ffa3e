package hvlab.tui.language;

import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code vmi kill NAME PID}: ends a guest process from outside, through its kernel's own table
 * (an intervention): the OS profile names the entry's kill flag, and the guest kernel ends the
 * process as for any exit. Even one that a rootkit hides from the guest's ps.
 */
@Command(name = "kill", description = {"Intervene: end a guest process from outside, by the kill flag of its entry in the kernel's",
        "process table (the OS profile names it); the guest kernel ends it on its way back to user mode. Logged."})
final class VmiKillCommand extends VmiLook {

    @Parameters(index = "1", paramLabel = "PID", description = "the process, as vmi ps lists it")
    int pid;

    @Option(names = "--profile", paramLabel = "FILE", description = "an OS profile (JSON, as hvos.profile.json)")
    Path profile;

    @Override
    public Reply run(Context context) {
        if (pid <= 0) {
            throw CommandFailure.usage("a process id is 1 or more, not " + pid);
        }
        VmiResult.Changed r = (VmiResult.Changed) ask(context, vm, new VmiRequest.Kill(OsProfiles.forVm(context, vm, profile), pid));
        return new Reply(r, changed(vm, "set", r) + "\n  the guest's kernel ends it when it next returns to user mode");
    }
}
