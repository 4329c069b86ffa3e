package hvlab.vmm.devices;

import hvlab.vmm.memory.GuestRam;

/**
 * One descriptor ring of the paravirtual NIC, in guest RAM, as the device walks it. The shape is
 * virtio's split ring boiled down to one array (and close to an e1000's descriptor rings): the
 * driver fills descriptors and hands each to the device by setting OWNED; the device takes them
 * in order from its head, does the work and gives each back with DONE set and OWNED clear.
 * <pre>
 *   descriptor, 8 bytes, little-endian:
 *     +0  u32  buffer   guest-physical address of the frame's bytes
 *     +4  u16  length   transmit: the frame's length; receive: the buffer's size in, the frame's length out
 *     +6  u16  flags    bit 0 OWNED (the device's to use), bit 1 DONE (the device finished it)
 * </pre>
 * Everything here is read through {@link GuestRam}, the VMM's one door to guest memory, and
 * checked before it is used: the guest owns these bytes and may change them at any time, so the
 * device reads each descriptor once, into a record, and works on that copy.
 */
final class NicRing {
    static final int DESCRIPTOR = 8;
    static final int OWNED = 1;
    static final int DONE = 2;

    /** One descriptor as read, once, from guest RAM. */
    record Descriptor(int index, long buffer, int length) {}

    long base;
    int size;
    int head;

    /** The ring's registers were written: the device starts again at descriptor 0. */
    void set(long base, int size) {
        this.base = base;
        this.size = size;
        this.head = 0;
    }

    boolean configured() {
        return size != 0;
    }

    long bytes() {
        return (long) size * DESCRIPTOR;
    }

    /** What is wrong with the ring itself, or {@link NicError#NONE}. */
    NicError check(GuestRam ram) {
        if (size < 1 || size > NetworkCard.MAX_RING) {
            return NicError.RING_SIZE;
        }
        if (!ram.contains(base, bytes())) {
            return NicError.RING_OUTSIDE_RAM; // past the end of RAM, into the VMM's region, or wrapping at 4 GiB
        }
        return NicError.NONE;
    }

    /** Do the bytes [{@code from}, {@code from + length}) share any byte with this ring? */
    boolean overlaps(long from, long length) {
        return configured() && from < base + bytes() && base < from + length;
    }

    /** The descriptor at the head if the driver gave it to the device, else null. The ring was checked. */
    Descriptor take(GuestRam ram) {
        long at = base + (long) head * DESCRIPTOR;
        int flags = ram.read(at + 6, 2);
        if ((flags & OWNED) == 0) {
            return null;
        }
        return new Descriptor(head, Integer.toUnsignedLong(ram.read(at, 4)), ram.read(at + 4, 2) & 0xFFFF);
    }

    /** Gives the descriptor back to the driver, done, with {@code length} in it; the head moves on. */
    void complete(GuestRam ram, Descriptor d, int length) {
        long at = base + (long) d.index() * DESCRIPTOR;
        ram.writeData(at + 4, 2, length);     // descriptors are data: no translated code dropped
        ram.writeData(at + 6, 2, DONE);
        head = (d.index() + 1) % size;
    }
}
