package hvlab.tui.language;

import hvlab.vmm.VmConfig;
import hvlab.vmm.devices.PlatformOptions.DiskLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Locale;
import java.util.Map;

/**
 * {@code vm iotune NAME [--bytes SIZE] [--ops N] [--unlimited]}: the rate limits on a VM's disk,
 * virsh's {@code blkdeviotune} (paper IV.C.5: the VMM limits the disk each VM uses, so one VM's
 * I/O cannot starve the others'). Two token buckets, as Firecracker's rate limiter has: bytes and
 * operations (ATA commands) per second of the VM's virtual time, each with a burst of a tenth of a
 * second's worth. Kept in the store; a machine built from then on (a start, a revert) has them.
 */
@Command(name = "iotune", description = {"Show or set the rate limits on a VM's disk: bytes and operations (ATA commands) per second of",
        "its virtual time (0: unlimited), each with a burst of a tenth of a second's worth. A request over the limit waits",
        "(the drive stays busy). Kept in the store; the VM's next start (or a revert) takes them."})
final class VmIotuneCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String vm;

    @Option(names = "--bytes", paramLabel = "SIZE", description = "bytes per second, e.g. 64K or 1M (0: unlimited)")
    String bytes;

    @Option(names = "--ops", paramLabel = "N", description = "operations per second (0: unlimited)")
    Long ops;

    @Option(names = "--unlimited", description = "no limits")
    boolean unlimited;

    @Override
    public Reply run(Context context) {
        if (unlimited && (bytes != null || ops != null)) {
            throw CommandFailure.usage("vm iotune: --unlimited or --bytes/--ops, not both");
        }
        if (!unlimited && bytes == null && ops == null) {
            DiskLimits now = context.host().diskLimits(vm);
            return new Reply(Map.of("vm", vm, "limits", now), vm + ": disk " + describe(now));
        }
        DiskLimits limits = DiskLimits.UNLIMITED;
        if (!unlimited) {
            DiskLimits was = context.host().diskLimits(vm);
            long b = bytes != null ? bytesPerSecond(bytes) : was.bytesPerSecond();
            long o = ops != null ? ops : was.operationsPerSecond();
            if (o < 0) {
                throw CommandFailure.badInput("vm iotune: --ops " + o + ": operations per second cannot be negative");
            }
            // A burst of a tenth of a second, and at least one sector or one command, so every request can go.
            limits = new DiskLimits(b, o, b == 0 ? 0 : Math.max(512, b / 10), o == 0 ? 0 : Math.max(1, o / 10));
        }
        DiskLimits now = context.host().limitDisk(vm, limits, context.session().actor());
        return new Reply(Map.of("vm", vm, "limits", now), vm + ": disk " + describe(now) + " (from its next start)");
    }

    private static long bytesPerSecond(String text) {
        if (text.strip().equals("0")) return 0;
        try {
            return VmConfig.parseSize(text);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.badInput("vm iotune: --bytes " + text + ": not a size (try 64K or 1M, or 0 for unlimited)");
        }
    }

    static String describe(DiskLimits l) {
        String b = l.bytesPerSecond() == 0 ? "unlimited bytes" : String.format(Locale.ROOT, "%,d bytes/s (burst %,d)", l.bytesPerSecond(), l.burstBytes());
        String o = l.operationsPerSecond() == 0 ? "unlimited operations" : String.format(Locale.ROOT, "%,d operations/s (burst %,d)", l.operationsPerSecond(), l.burstOperations());
        return b + ", " + o;
    }
}
