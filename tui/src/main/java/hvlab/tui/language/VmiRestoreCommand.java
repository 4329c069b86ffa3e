package hvlab.tui.language;

import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code vmi restore NAME --idt VECTOR | --syscall N}: puts a hooked IDT gate or system-call
 * table entry back as the baseline has it (an intervention, paper IV.C.9).
 */
@Command(name = "restore", description = {"Intervene: put an IDT gate back as the integrity baseline has it (vmi integrity),",
        "or a system-call table entry as the kernel baseline has it (vmi kernel). Logged with before, after and hashes."})
final class VmiRestoreCommand extends VmiLook {

    static final class What {
        @Option(names = "--idt", paramLabel = "VECTOR", required = true, description = "an IDT vector, e.g. 0x80")
        String vector;

        @Option(names = "--syscall", paramLabel = "N", required = true, description = "a system call's number, e.g. 11")
        String syscall;
    }

    @ArgGroup(multiplicity = "1")
    What what;

    @Option(names = "--profile", paramLabel = "FILE", description = "an OS profile (JSON, as hvos.profile.json), for --syscall")
    Path profile;

    @Override
    public Reply run(Context context) {
        if (what.syscall != null) {
            long number = address(what.syscall);
            if (number > 4095) {
                throw CommandFailure.usage("not a system call's number: " + what.syscall);
            }
            VmiResult.Changed r = (VmiResult.Changed) ask(context, vm,
                    new VmiRequest.RestoreSyscall(OsProfiles.forVm(context, vm, profile), (int) number));
            return new Reply(r, changed(vm, "restored", r));
        }
        long number = address(what.vector);
        if (number > 255) {
            throw CommandFailure.usage("an IDT vector is 0 to 255 (0xff), not " + what.vector);
        }
        VmiResult.Changed r = (VmiResult.Changed) ask(context, vm, new VmiRequest.RestoreGate((int) number));
        return new Reply(r, changed(vm, "restored", r));
    }
}
