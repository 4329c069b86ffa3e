package hvlab.vmm.paravirt;

import hvlab.vmm.memory.GuestFault;
import hvlab.vmm.trap.GuestState;

/**
 * Guest addresses handed to a hypercall, checked before the VMM follows them.
 *
 * <p>This is the most important check in the paravirtual interface. The VMM reads and writes
 * guest memory with its own authority: the emulator lets it write the VMM region at 0xFFF00000,
 * which the guest itself may only read. A MEASURE whose output buffer pointed at the real GDT
 * would have the VMM overwrite its own descriptors for the guest, the classic confused deputy
 * and a way to "escape" the VM (paper, IV.C.2). So every pointer must lie entirely inside guest
 * RAM, and a bad one is answered with -EFAULT, the way Xen's {@code copy_from_guest} and
 * {@code copy_to_guest} refuse a handle that {@code access_ok} rejects.
 */
final class GuestPointers {
    /** A pointer or length that reaches outside guest RAM; the call answers -EFAULT. */
    static final class BadPointer extends Exception {
        BadPointer(long address, long length) {
            super(String.format("%d bytes at %#x are not all in guest RAM", length, address), null, false, false);
        }
    }

    private final long ramBytes;

    GuestPointers(long ramBytes) {
        this.ramBytes = ramBytes;
    }

    /** Registers hold addresses and lengths as unsigned 32-bit numbers. */
    static long unsigned(int register) {
        return Integer.toUnsignedLong(register);
    }

    void check(long address, long length) throws BadPointer {
        if (address < 0 || length < 0 || address > ramBytes || length > ramBytes - address) {
            throw new BadPointer(address, length);
        }
    }

    byte[] read(GuestState state, long address, long length) throws BadPointer {
        check(address, length);
        byte[] bytes = new byte[(int) length];
        try {
            int i = 0;
            for (; i + 4 <= bytes.length; i += 4) {
                int word = state.read(address + i, 4);
                bytes[i] = (byte) word;
                bytes[i + 1] = (byte) (word >>> 8);
                bytes[i + 2] = (byte) (word >>> 16);
                bytes[i + 3] = (byte) (word >>> 24);
            }
            for (; i < bytes.length; i++) {
                bytes[i] = (byte) state.read(address + i, 1);
            }
        } catch (GuestFault e) {
            throw new BadPointer(address, length); // in range, yet the emulator could not read it
        }
        return bytes;
    }

    int read32(GuestState state, long address) throws BadPointer {
        byte[] b = read(state, address, 4);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    int read16(GuestState state, long address) throws BadPointer {
        byte[] b = read(state, address, 2);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
    }

    void write(GuestState state, long address, byte[] bytes) throws BadPointer {
        check(address, bytes.length);
        try {
            for (int i = 0; i < bytes.length; i++) {
                state.write(address + i, 1, bytes[i]);
            }
        } catch (GuestFault e) {
            throw new BadPointer(address, bytes.length);
        }
    }
}
