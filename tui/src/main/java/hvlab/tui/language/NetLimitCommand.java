package hvlab.tui.language;

import hvlab.vmm.VmConfig;
import hvlab.vmm.devices.NicOptions;
import hvlab.vmm.host.NetworkControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Locale;

/**
 * {@code net limit VM [--frames N] [--bytes SIZE] [--default]}: the policer on what a VM's card
 * sends (Open vSwitch's ingress policing, two token buckets in the VM's virtual time; DESIGN.md
 * section 11). Each burst is a tenth of a second's worth, as the host's default has.
 */
@Command(name = "limit", description = {"Show or set the rate limits on what a VM's network card sends: frames and bytes per second",
        "of its virtual time (0: unlimited), each with a burst of a tenth of a second's worth. A frame over the",
        "limit is dropped and counted (POLICED in 'net show'). A running VM takes them at once; they are kept in the store."})
final class NetLimitCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "VM", description = "the VM")
    String vm;

    @Option(names = "--frames", paramLabel = "N", description = "frames per second (0: unlimited)")
    Long frames;

    @Option(names = "--bytes", paramLabel = "SIZE", description = "bytes per second, e.g. 64K or 1M (0: unlimited)")
    String bytes;

    @Option(names = "--default", description = "back to the host's default (10,000 frames/s, 100 Mbit/s)")
    boolean backToDefault;

    @Override
    public Reply run(Context context) {
        NetworkControl net = context.host().network();
        if (backToDefault && (frames != null || bytes != null)) {
            throw CommandFailure.usage("net limit: --default or --frames/--bytes, not both");
        }
        if (!backToDefault && frames == null && bytes == null) {
            NetworkControl.VmLimits now = net.limits(vm);
            return new Reply(now, vm + ": " + describe(now.limits()) + (now.own() ? "" : " (the host's default)"));
        }
        NicOptions.Limits limits = null;
        if (!backToDefault) {
            NicOptions.Limits was = net.limits(vm).limits();
            long f = frames != null ? frames : was.framesPerSecond();
            long b = bytes != null ? bytesPerSecond(bytes) : was.bytesPerSecond();
            if (f < 0) throw CommandFailure.badInput("net limit: --frames " + f + ": frames per second cannot be negative");
            limits = new NicOptions.Limits(f, b, Math.max(1, f / 10), Math.max(1514, b / 10));
        }
        NicOptions.Limits now = net.limit(vm, limits, context.session().actor());
        return new Reply(new NetworkControl.VmLimits(vm, now, limits != null), vm + ": " + describe(now));
    }

    private static long bytesPerSecond(String text) {
        if (text.strip().equals("0")) return 0;
        try {
            return VmConfig.parseSize(text);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.badInput("net limit: --bytes " + text + ": not a size (try 64K or 1M, or 0 for unlimited)");
        }
    }

    static String describe(NicOptions.Limits l) {
        String f = l.framesPerSecond() == 0 ? "unlimited frames" : String.format(Locale.ROOT, "%,d frames/s (burst %,d)", l.framesPerSecond(), l.burstFrames());
        String b = l.bytesPerSecond() == 0 ? "unlimited bytes" : String.format(Locale.ROOT, "%,d bytes/s (burst %,d)", l.bytesPerSecond(), l.burstBytes());
        return f + ", " + b;
    }
}
