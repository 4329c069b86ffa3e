package hvlab.tui.language;

import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code vmi read NAME ADDRESS [LENGTH]}: guest-physical memory as a hex dump. */
@Command(name = "read", description = "Dump a VM's memory at a guest-physical address (hex and text, 16 bytes a line).")
final class VmiReadCommand extends VmiLook {

    @Parameters(index = "1", paramLabel = "ADDRESS", description = "where, e.g. 0x100000")
    String at;

    @Parameters(index = "2", paramLabel = "LENGTH", arity = "0..1", defaultValue = "128", description = "how many bytes (default ${DEFAULT-VALUE})")
    int length;

    @Override
    public Reply run(Context context) {
        VmiResult.Bytes r = (VmiResult.Bytes) ask(context, vm, new VmiRequest.Read(address(at), length));
        return new Reply(r, dump(r.address(), r.bytes()));
    }

    static String dump(long address, byte[] bytes) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 16) {
            StringBuilder hex = new StringBuilder();
            StringBuilder text = new StringBuilder();
            for (int j = i; j < Math.min(i + 16, bytes.length); j++) {
                int b = bytes[j] & 0xFF;
                hex.append(String.format("%02x ", b));
                text.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
            }
            lines.add(String.format("%08x  %-48s %s", address + i, hex, text));
        }
        return String.join("\n", lines);
    }
}
