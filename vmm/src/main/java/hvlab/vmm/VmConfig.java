package hvlab.vmm;

import hvlab.vmm.boot.BadImageException;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.boot.LoadPlan;
import hvlab.vmm.devices.PlatformOptions;
import hvlab.vmm.image.GuestImage;

import java.time.Duration;

/**
 * Everything needed to boot one VM: the guest image, its RAM, the execution mode, how long
 * {@link Vm#run()} may take (0 for ever), the devices' options (disk, clock, limits), and
 * whether the real interrupt flag mirrors the guest's ({@code trap/InterruptFlagMirror}).
 */
public record VmConfig(GuestImage image, long memoryBytes, ExecutionMode mode, Duration timeout, PlatformOptions platform,
                       boolean mirrorInterruptFlag) {
    public static final long DEFAULT_MEMORY = 16L << 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public VmConfig {
        if (memoryBytes < BootLayout.MIN_RAM || memoryBytes > BootLayout.MAX_RAM || memoryBytes % 4096 != 0) {
            throw new IllegalArgumentException("guest memory must be a multiple of 4K between 2M and 1G, not " + memoryBytes + " bytes");
        }
        try {
            LoadPlan.of(image.code(), memoryBytes);
        } catch (BadImageException e) {
            throw new IllegalArgumentException("guest image '" + image.name() + "': " + e.getMessage());
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative");
        }
        if (platform == null) {
            platform = PlatformOptions.DEFAULT;
        }
    }

    public VmConfig(GuestImage image, long memoryBytes, ExecutionMode mode, Duration timeout, PlatformOptions platform) {
        this(image, memoryBytes, mode, timeout, platform, false);
    }

    public VmConfig(GuestImage image, long memoryBytes, ExecutionMode mode, Duration timeout) {
        this(image, memoryBytes, mode, timeout, PlatformOptions.DEFAULT);
    }

    public static VmConfig of(GuestImage image) {
        return new VmConfig(image, DEFAULT_MEMORY, ExecutionMode.TRAP, DEFAULT_TIMEOUT);
    }

    public VmConfig withMode(ExecutionMode mode) {
        return new VmConfig(image, memoryBytes, mode, timeout, platform, mirrorInterruptFlag);
    }

    public VmConfig withMemory(long bytes) {
        return new VmConfig(image, bytes, mode, timeout, platform, mirrorInterruptFlag);
    }

    public VmConfig withTimeout(Duration timeout) {
        return new VmConfig(image, memoryBytes, mode, timeout, platform, mirrorInterruptFlag);
    }

    /** The same VM with the real interrupt flag mirroring the guest's, or not. */
    public VmConfig withMirroredInterruptFlag(boolean mirror) {
        return new VmConfig(image, memoryBytes, mode, timeout, platform, mirror);
    }

    /** How the image is laid into RAM and entered (checked when this config was made). */
    public LoadPlan loadPlan() {
        try {
            return LoadPlan.of(image.code(), memoryBytes);
        } catch (BadImageException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public VmConfig withPlatform(PlatformOptions platform) {
        return new VmConfig(image, memoryBytes, mode, timeout, platform, mirrorInterruptFlag);
    }

    /** Parses sizes such as 16M, 512K, 1G or a plain number of bytes. */
    public static long parseSize(String text) {
        String t = text.trim().toUpperCase();
        long unit = 1;
        if (t.endsWith("IB")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'K' -> unit = 1L << 10;
            case 'M' -> unit = 1L << 20;
            case 'G' -> unit = 1L << 30;
            default -> unit = 1;
        }
        if (unit != 1) t = t.substring(0, t.length() - 1);
        try {
            long n = Long.parseLong(t);
            if (n <= 0) throw new NumberFormatException();
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a memory size: '" + text + "' (try 16M, 512K or 1G)");
        }
    }
}
