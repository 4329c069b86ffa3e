package hvlab.vmm.devices;

/**
 * A device on the x86 I/O port bus (the 64 KiB port space of IN and OUT, SDM Vol. 1, 18.3).
 * A device claims a contiguous range of ports and answers reads and writes of 1, 2 or 4 bytes.
 */
public interface IoDevice extends Device {

    /** A human name for listings ("COM1 serial"). */
    String name();

    int firstPort();

    /** How many consecutive ports from {@link #firstPort()} belong to this device. */
    int portCount();

    int read(int port, int size);

    void write(int port, int size, int value);
}
