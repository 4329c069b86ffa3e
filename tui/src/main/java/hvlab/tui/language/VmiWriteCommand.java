package hvlab.tui.language;

import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.HexFormat;

/** {@code vmi write NAME ADDRESS HEX}: changes guest memory from outside (an intervention, and the attacker's power too). */
@Command(name = "write", description = {"Intervene: write bytes into a VM's memory at a guest-physical address.",
        "No guest can notice or refuse: the power that repairs a guest is the power to attack it (logged)."})
final class VmiWriteCommand extends VmiLook {

    @Parameters(index = "1", paramLabel = "ADDRESS", description = "where, e.g. 0x100200")
    String at;

    @Parameters(index = "2", paramLabel = "HEX", description = "the bytes, e.g. 9090 or 'de ad be ef'")
    String hex;

    @Override
    public Reply run(Context context) {
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        } catch (IllegalArgumentException e) {
            throw CommandFailure.usage("not hex bytes: '" + hex + "'");
        }
        if (bytes.length == 0 || bytes.length > 4096) {
            throw CommandFailure.usage("write 1 to 4096 bytes, not " + bytes.length);
        }
        VmiResult.Changed r = (VmiResult.Changed) ask(context, vm, new VmiRequest.Write(address(at), bytes));
        return new Reply(r, changed(vm, "wrote", r));
    }
}
