package hvlab.tui.language;

import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vmi restore NAME --idt VECTOR}: puts a hooked gate back as the baseline has it (an intervention). */
@Command(name = "restore", description = "Intervene: put an IDT gate back as the integrity baseline has it (logged with before and after).")
final class VmiRestoreCommand extends VmiLook {

    @Option(names = "--idt", paramLabel = "VECTOR", required = true, description = "the vector, e.g. 0x80")
    String vector;

    @Override
    public Reply run(Context context) {
        long number = address(vector);
        if (number > 255) {
            throw CommandFailure.usage("an IDT vector is 0 to 255 (0xff), not " + vector);
        }
        VmiResult.Changed r = (VmiResult.Changed) ask(context, vm, new VmiRequest.RestoreGate((int) number));
        return new Reply(r, vm + ": restored " + r.what() + "\n  was " + r.before() + "\n  now " + r.after());
    }
}
