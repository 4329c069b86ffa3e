package hvlab.tui.language;

import hvlab.vmm.covert.CovertChannelDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * {@code covert decode RECEIVER}: reads what a covert-recv VM measured and decodes the bits a
 * covert-send VM leaked to it through the shared CPU (paper IV.C.3), with the error rate, what
 * noise alone would give, and the capacity in bits per second.
 */
@Command(name = "covert", description = {"Decode a CPU covert channel: what a covert-recv VM heard from a covert-send VM on the same host.",
        "Usage: covert RECEIVER (run the two with 'hv script --threads 1' so that they share one CPU)."})
final class CovertCommand implements LanguageCommand {
    private static final int SAMPLES_PER_BIT = 4;     // covert-recv samples at 20 Hz, covert-send signals at 5 Hz
    private static final double BITS_PER_SECOND = 5;
    private static final int SKIP = 4;                // the first samples: the two VMs still booting

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "RECEIVER", description = "the VM running covert-recv")
    String vm;

    @Override
    public Reply run(Context context) {
        long[] samples = CovertChannelDecoder.samples(context.host().console(vm, 0).text());
        if (samples.length < SKIP + 12 * SAMPLES_PER_BIT) {
            throw CommandFailure.failed(vm + " has " + samples.length + " samples: let the two run for ten seconds or more"
                    + " (is it running covert-recv?)");
        }
        long[] used = Arrays.copyOfRange(samples, SKIP, samples.length);
        int[] message = CovertChannelDecoder.senderMessage();
        CovertChannelDecoder.Decoded d = CovertChannelDecoder.decode(used, SAMPLES_PER_BIT, message, BITS_PER_SECOND);
        double chance = CovertChannelDecoder.chance(used, SAMPLES_PER_BIT, message, 20, 1);
        String text = String.format(Locale.ROOT, "%s: %d bits heard at %.0f bit/s, %d wrong (%.1f%%; noise alone: %.1f%%),"
                        + " capacity %.2f bit/s", vm, d.bits(), BITS_PER_SECOND, d.errors(), 100 * d.errorRate(), 100 * chance,
                d.capacity());
        return new Reply(Map.of("bits", d.bits(), "errors", d.errors(), "errorRate", d.errorRate(), "chance", chance,
                "capacity", d.capacity()), text);
    }

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("covert");
    }
}
