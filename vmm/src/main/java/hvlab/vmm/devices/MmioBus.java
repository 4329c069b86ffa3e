package hvlab.vmm.devices;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Routes the guest's loads and stores outside RAM to the device that decodes the address, as the
 * chipset does on a PC: the CPU maps each device's pages as device memory
 * ({@code CpuBackend.mapDevice}), and every access there arrives as a trap that comes here.
 *
 * <p>Containment (paper, IV.C.2): whatever the guest does, a device sees only accesses of 1, 2
 * or 4 bytes that lie wholly inside it. Anything else is refused here and counted: a read gives
 * all ones (as a PC's floating bus), a write is dropped. That covers wrong sizes (an 8-byte
 * access reaches the bus as two 4-byte ones, or as anything a broken emulator might pass on), an
 * access that runs past a device's last byte, and addresses no device claims.
 *
 * <p>For the shadow MMU: {@link #claims} says whether a physical page is device memory. A
 * guest page that maps such a frame must be shadowed to that same frame (never treated as RAM,
 * never written for accessed or dirty bits of its own), so that the CPU's access reaches here.
 */
public final class MmioBus {
    /** The x86 page: devices are decoded in whole pages. */
    public static final long PAGE = 4096;

    private final List<MmioDevice> devices = new ArrayList<>();
    private long refusedReads;
    private long refusedWrites;

    /** Gives {@code device} its range; refuses one that overlaps another, is not whole pages, or leaves 32-bit space. */
    public void attach(MmioDevice device) {
        long base = device.base();
        long size = device.size();
        if ((base & (PAGE - 1)) != 0 || size <= 0 || (size & (PAGE - 1)) != 0 || base + size > 0x1_0000_0000L) {
            throw new IllegalArgumentException(String.format("%s: device memory must be whole pages below 4 GiB (%#x, %d bytes)",
                    device.name(), base, size));
        }
        for (MmioDevice other : devices) {
            if (base < other.base() + other.size() && other.base() < base + size) {
                throw new IllegalArgumentException(String.format("%s and %s both claim %#x", other.name(), device.name(),
                        Math.max(base, other.base())));
            }
        }
        devices.add(device);
    }

    /** Is {@code physicalAddress} device memory (the page it lies in belongs to a device)? */
    public boolean claims(long physicalAddress) {
        return deviceAt(physicalAddress) != null;
    }

    /** The device decoding {@code physicalAddress}, or null. */
    public MmioDevice deviceAt(long physicalAddress) {
        for (MmioDevice device : devices) {
            if (physicalAddress >= device.base() && physicalAddress - device.base() < device.size()) {
                return device;
            }
        }
        return null;
    }

    /** Every device, in the order attached. */
    public List<MmioDevice> devices() {
        return Collections.unmodifiableList(devices);
    }

    /** A guest load of {@code size} bytes at physical {@code address}. */
    public int read(long address, int size) {
        MmioDevice device = checked(address, size);
        if (device == null) {
            refusedReads++;
            return size >= 1 && size <= 4 ? IoBus.allOnes(size) : 0xFFFFFFFF;
        }
        return device.read(address - device.base(), size) & IoBus.allOnes(size);
    }

    /** A guest store of the low {@code size} bytes of {@code value} at physical {@code address}. */
    public void write(long address, int size, int value) {
        MmioDevice device = checked(address, size);
        if (device == null) {
            refusedWrites++;
            return;
        }
        device.write(address - device.base(), size, value & IoBus.allOnes(size));
    }

    /** Accesses that reached no device: no device there, a size other than 1, 2 or 4, or past a device's end. */
    public long refusedReads() {
        return refusedReads;
    }

    public long refusedWrites() {
        return refusedWrites;
    }

    private MmioDevice checked(long address, int size) {
        if (size != 1 && size != 2 && size != 4) {
            return null;
        }
        MmioDevice device = deviceAt(address);
        if (device == null || address - device.base() + size > device.size()) {
            return null;
        }
        return device;
    }
}
