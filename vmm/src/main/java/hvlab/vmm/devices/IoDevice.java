package hvlab.vmm.devices;

import java.util.List;

/**
 * A device on the x86 I/O port bus (the 64 KiB port space of IN and OUT, SDM Vol. 1, 18.3).
 * A device claims a contiguous range of ports (or, overriding {@link #ports()}, several) and
 * answers reads and writes of 1, 2 or 4 bytes. A device never throws at the guest: a value it
 * does not understand is dropped, or sets an error bit, as hardware does.
 */
public interface IoDevice extends Device {

    /** A human name for listings ("COM1 serial"). */
    String name();

    int firstPort();

    /** How many consecutive ports from {@link #firstPort()} belong to this device. */
    int portCount();

    /** Every port range the device decodes; by default the one that {@link #firstPort()} starts. */
    default List<PortRange> ports() {
        return List.of(new PortRange(firstPort(), portCount()));
    }

    int read(int port, int size);

    void write(int port, int size, int value);
}
