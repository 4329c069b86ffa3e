package hvlab.tui.language;

import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;

import java.util.stream.Collectors;

/** {@code vmi regs NAME}: the VM's registers as its guest believes them. */
@Command(name = "regs", description = "Show a VM's registers as its guest believes them (virtual CPL, IF, CR0, CR3, IDTR, GDTR).")
final class VmiRegsCommand extends VmiLook {

    @Override
    public Reply run(Context context) {
        VmiResult.Registers r = (VmiResult.Registers) ask(context, vm, new VmiRequest.Registers());
        return new Reply(r.values(), r.values().entrySet().stream().map(e -> String.format("%-5s %s", e.getKey(), e.getValue()))
                .collect(Collectors.joining("\n")));
    }
}
