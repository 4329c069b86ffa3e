package hvlab.tui.language;

import hvlab.vmm.vmi.Signature;
import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code vmi scan NAME [--signatures FILE]}: Livewire's signature scanner over all of the VM's memory. */
@Command(name = "scan", description = "Search all of a VM's memory for known malware byte patterns (hvlab's own, or a FILE of them).")
final class VmiScanCommand extends VmiLook {

    @Option(names = "--signatures", paramLabel = "FILE", description = "lines of NAME: \"text\" or NAME: hex 90 90 cc")
    Path file;

    @Override
    public Reply run(Context context) {
        List<Signature> signatures;
        try {
            signatures = file == null ? Signature.shipped() : Signature.parse(Files.readString(file));
        } catch (IOException e) {
            throw CommandFailure.badInput("cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw CommandFailure.badInput(file + ": " + e.getMessage());
        }
        VmiResult.Scan r = (VmiResult.Scan) ask(context, vm, new VmiRequest.Scan(signatures));
        if (r.matches().isEmpty()) {
            return new Reply(r, vm + ": no match for " + r.signatures() + " signatures");
        }
        List<String> lines = new ArrayList<>();
        lines.add(vm + ": " + r.matches().size() + " match" + (r.matches().size() == 1 ? "" : "es") + ":");
        r.matches().forEach(m -> lines.add(String.format("  %-30s at 0x%08x", m.signature(), m.address())));
        return new Reply(r, String.join("\n", lines));
    }
}
