package hvlab.vmm.devices;

import java.nio.file.Path;

/**
 * What varies between one hvlab PC and the next: the disk behind the ATA channel (none, or a
 * raw image file only this VM uses), when the real-time clock starts, and the rate limits on
 * disk I/O (paper IV.C.5: the VMM decides how much of each resource a VM may use).
 *
 * @param disk            the raw disk image, or null for a machine without a disk
 * @param rtcEpochSeconds the wall-clock time the CMOS clock shows at boot (seconds since 1970)
 * @param diskLimits      token buckets for disk bandwidth and operations
 * @param generationId    the VM generation ID the guest reads (32 hex digits), or null for zeros
 * @param tpm             the VM's vTPM (at ports 0x4C0-0x4CB), or null for a machine without one
 * @param nic             the VM's network card (at ports 0x500-0x51F, IRQ 11), or null for a machine without one
 * @param apic            an MP machine as xv6 expects one: a local APIC at 0xFEE00000, an I/O APIC at
 *                        0xFEC00000, and the MP configuration table in the BIOS area ({@code MpTable})
 * @param typeOnKeyboard  typed text ({@code vm send}) also goes to the PS/2 keyboard as scancodes,
 *                        besides COM1
 */
public record PlatformOptions(Path disk, long rtcEpochSeconds, DiskLimits diskLimits, String generationId,
                              hvlab.vmm.tpm.VirtualTpm tpm, NicOptions nic, boolean apic, boolean typeOnKeyboard) {

    public PlatformOptions(Path disk, long rtcEpochSeconds, DiskLimits diskLimits, String generationId,
                           hvlab.vmm.tpm.VirtualTpm tpm, NicOptions nic) {
        this(disk, rtcEpochSeconds, diskLimits, generationId, tpm, nic, false, false);
    }

    public PlatformOptions(Path disk, long rtcEpochSeconds, DiskLimits diskLimits, String generationId,
                           hvlab.vmm.tpm.VirtualTpm tpm) {
        this(disk, rtcEpochSeconds, diskLimits, generationId, tpm, null);
    }

    public PlatformOptions(Path disk, long rtcEpochSeconds, DiskLimits diskLimits, String generationId) {
        this(disk, rtcEpochSeconds, diskLimits, generationId, null);
    }

    /** Firecracker-style rate limits: sustained rates and a burst; 0 means unlimited. */
    public record DiskLimits(long bytesPerSecond, long operationsPerSecond, long burstBytes, long burstOperations) {
        public static final DiskLimits UNLIMITED = new DiskLimits(0, 0, 0, 0);

        public DiskLimits {
            if (bytesPerSecond < 0 || operationsPerSecond < 0 || burstBytes < 0 || burstOperations < 0) {
                throw new IllegalArgumentException("disk limits cannot be negative");
            }
        }
    }

    /** No disk, the clock at a fixed date (so runs repeat), no limits. */
    public static final PlatformOptions DEFAULT = new PlatformOptions(null, 1_767_225_600L /* 2026-01-01T00:00:00Z */,
            DiskLimits.UNLIMITED, null, null, null, false, false);

    /**
     * Which device of the ATA channel the disk is: 1 on an APIC machine, the PC xv6 expects, whose
     * Makefile attaches the file system as the primary channel's second disk (its {@code ide.c}
     * reads only device 1; device 0 held its boot block); 0 on the others.
     */
    public int diskUnit() {
        return apic ? 1 : 0;
    }

    public PlatformOptions withDisk(Path disk) {
        return new PlatformOptions(disk, rtcEpochSeconds, diskLimits, generationId, tpm, nic, apic, typeOnKeyboard);
    }

    public PlatformOptions withRtcEpochSeconds(long seconds) {
        return new PlatformOptions(disk, seconds, diskLimits, generationId, tpm, nic, apic, typeOnKeyboard);
    }

    public PlatformOptions withDiskLimits(DiskLimits limits) {
        return new PlatformOptions(disk, rtcEpochSeconds, limits, generationId, tpm, nic, apic, typeOnKeyboard);
    }

    public PlatformOptions withGenerationId(String generationId) {
        return new PlatformOptions(disk, rtcEpochSeconds, diskLimits, generationId, tpm, nic, apic, typeOnKeyboard);
    }

    public PlatformOptions withTpm(hvlab.vmm.tpm.VirtualTpm tpm) {
        return new PlatformOptions(disk, rtcEpochSeconds, diskLimits, generationId, tpm, nic, apic, typeOnKeyboard);
    }

    public PlatformOptions withNic(NicOptions nic) {
        return new PlatformOptions(disk, rtcEpochSeconds, diskLimits, generationId, tpm, nic, apic, typeOnKeyboard);
    }

    public PlatformOptions withApic(boolean apic) {
        return new PlatformOptions(disk, rtcEpochSeconds, diskLimits, generationId, tpm, nic, apic, typeOnKeyboard);
    }

    public PlatformOptions withTypeOnKeyboard(boolean typeOnKeyboard) {
        return new PlatformOptions(disk, rtcEpochSeconds, diskLimits, generationId, tpm, nic, apic, typeOnKeyboard);
    }
}
