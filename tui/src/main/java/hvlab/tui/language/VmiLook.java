package hvlab.tui.language;

import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** What the {@code vmi} subcommands share: one request to the host for one VM, refused where no host keeps running. */
abstract class VmiLook implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String vm;

    VmiResult ask(Context context, String vm, VmiRequest request) {
        return context.host().vmi(vm, request, context.session().actor());
    }

    static long address(String text) {
        try {
            return Long.decode(text) & 0xFFFFFFFFL;
        } catch (NumberFormatException e) {
            throw CommandFailure.usage("not an address: '" + text + "' (write 0x100000 or 1048576)");
        }
    }

    /** An intervention's answer: what changed, from what to what, and the hashes the secure log keeps. */
    static String changed(String vm, String verb, VmiResult.Changed r) {
        return vm + ": " + verb + " " + r.what() + "\n  was " + r.before() + "\n  now " + r.after()
                + "\n  sha256 " + r.hashBefore().substring(0, 16) + " -> " + r.hashAfter().substring(0, 16) + " (in the secure log)";
    }

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("vmi");
    }
}
