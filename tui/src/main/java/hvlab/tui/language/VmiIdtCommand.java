package hvlab.tui.language;

import hvlab.vmm.vmi.IdtGate;
import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;

import java.util.stream.Collectors;

/** {@code vmi idt NAME}: the guest kernel's interrupt table, gate by gate. */
@Command(name = "idt", description = "Show the interrupt descriptor table the guest kernel loaded: where each vector leads.")
final class VmiIdtCommand extends VmiLook {

    @Override
    public Reply run(Context context) {
        VmiResult.Idt r = (VmiResult.Idt) ask(context, vm, new VmiRequest.Idt());
        return new Reply(r.gates(), r.gates().isEmpty() ? vm + " has loaded no IDT with present gates"
                : r.gates().stream().map(IdtGate::describe).collect(Collectors.joining("\n")));
    }
}
