package hvlab.tui.language;

import hvlab.vmm.host.NetworkControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;

/** {@code net capture VM FILE --count N | --for D}: a VM's port into a pcap file, as tcpdump on a host's vnet. */
@Command(name = "capture", description = {"Record the frames a VM sends and receives into a pcap file (tcpdump -r FILE,",
        "Wireshark). The guest cannot tell. Waits until N frames or D have passed."})
final class NetCaptureCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "VM", description = "the VM whose port to tap")
    String vm;

    @Parameters(index = "1", paramLabel = "FILE", description = "the pcap file to write")
    Path file;

    @Option(names = "--count", paramLabel = "N", description = "stop after N frames")
    Long count;

    @Option(names = "--for", paramLabel = "D", description = "stop after D (500ms, 10s, 1m)")
    String duration;

    @Override
    public Reply run(Context context) throws InterruptedException {
        if ((count == null) == (duration == null)) {
            throw CommandFailure.usage("net capture: give one end, --count N or --for D");
        }
        Duration limit = null;
        if (duration != null) {
            try {
                limit = Durations.parse(duration);
            } catch (IllegalArgumentException e) {
                throw CommandFailure.usage("net capture: --for: " + e.getMessage());
            }
        } else if (count < 1) {
            throw CommandFailure.usage("net capture: --count must be at least 1, not " + count);
        }
        NetworkControl.CaptureResult r = context.host().network().capture(vm, file.toAbsolutePath(), count == null ? 0 : count, limit);
        return new Reply(r, "captured " + r.frames() + " frame" + (r.frames() == 1 ? "" : "s") + " of " + vm + " into " + file);
    }

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("net capture");
    }
}
