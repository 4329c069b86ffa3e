package hvlab.vmm.devices;

/**
 * A device in the physical address space rather than the port space (memory-mapped I/O): its
 * registers answer loads and stores at fixed physical addresses, as the local APIC's at
 * 0xFEE00000 (Intel SDM Vol. 3A, 10.4.1). The {@link MmioBus} has already checked that an access
 * lies wholly inside the device and is 1, 2 or 4 bytes wide; the device never throws at the
 * guest, and decides itself what a narrow or unaligned access to a register means.
 */
public interface MmioDevice extends Device {

    /** A human name for listings ("local APIC"). */
    String name();

    /** The first physical address the device decodes (4 KiB aligned). */
    long base();

    /** How many bytes from {@link #base()} belong to it (whole 4 KiB pages). */
    long size();

    /** A load of {@code size} bytes at {@code offset} from {@link #base()}. */
    int read(long offset, int size);

    /** A store of the low {@code size} bytes of {@code value} at {@code offset}. */
    void write(long offset, int size, int value);
}
