package hvlab.vmm.devices;

import java.util.Arrays;
import java.util.List;

/**
 * Routes port I/O to the device that claims the port, like the ISA bus decoding addresses.
 * A read of a port nobody claims returns all ones (a floating bus reads as 0xFF on a PC),
 * and a write to one is dropped; both are counted, so a student can see a guest probing.
 */
public final class IoBus {
    private final IoDevice[] byPort = new IoDevice[0x10000];
    private long unclaimedReads;
    private long unclaimedWrites;

    /** Gives {@code device} every port of its {@link IoDevice#ports() ranges}; refuses a device that overlaps another. */
    public void attach(IoDevice device) {
        List<PortRange> ranges = device.ports();
        for (PortRange range : ranges) {
            for (int port = range.first(); port < range.first() + range.count(); port++) {
                if (byPort[port] != null) {
                    throw new IllegalArgumentException(String.format("%s and %s both claim port %#x", byPort[port].name(), device.name(), port));
                }
            }
        }
        for (PortRange range : ranges) {
            Arrays.fill(byPort, range.first(), range.first() + range.count(), device);
        }
    }

    public int read(int port, int size) {
        IoDevice device = byPort[port & 0xFFFF];
        if (device == null) {
            unclaimedReads++;
            return allOnes(size);
        }
        return device.read(port & 0xFFFF, size) & allOnes(size);
    }

    public void write(int port, int size, int value) {
        IoDevice device = byPort[port & 0xFFFF];
        if (device == null) {
            unclaimedWrites++;
            return;
        }
        device.write(port & 0xFFFF, size, value & allOnes(size));
    }

    public IoDevice deviceAt(int port) {
        return byPort[port & 0xFFFF];
    }

    public long unclaimedReads() {
        return unclaimedReads;
    }

    public long unclaimedWrites() {
        return unclaimedWrites;
    }

    static int allOnes(int size) {
        return size >= 4 ? 0xFFFFFFFF : (1 << (size * 8)) - 1;
    }
}
