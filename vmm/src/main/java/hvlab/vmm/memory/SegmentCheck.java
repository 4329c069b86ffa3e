package hvlab.vmm.memory;

import hvlab.cpu.Register;
import hvlab.vmm.boot.SegmentDescriptor;

/**
 * The protection check the processor makes on every memory access through a segment (SDM Vol.
 * 3, 5.3 "Limit checking" and 5.5 "Privilege levels"): the offset must lie within the segment's
 * limit (above it, for an expand-down stack segment), the segment must allow the access (no
 * writes to code or read-only data), and a null selector may not be used at all. A failure is
 * #SS(0) through SS and #GP(0) through any other segment register.
 *
 * <p>The VMM does this for the accesses it makes on the guest's behalf (an interrupt frame
 * pushed on the guest's stack, an SGDT store), so that an emulated instruction fails exactly
 * where the real one would have. Pure: the caller supplies the descriptor the CPU holds.
 */
public final class SegmentCheck {
    private static final int TYPE_EXPAND_DOWN = 0x4;
    private static final int TYPE_WRITABLE = 0x2;
    private static final int TYPE_READABLE_CODE = 0x2;

    private SegmentCheck() {}

    /**
     * The linear address of {@code size} bytes at {@code offset} in the segment described by
     * {@code descriptor} (null for a null selector), or the exception the processor raises.
     */
    public static long linear(Register segment, SegmentDescriptor descriptor, long offset, int size, boolean write) {
        boolean stack = segment == Register.SS;
        if (descriptor == null) {
            throw fault(stack, "a null " + name(segment) + " selector");
        }
        long first = offset & 0xFFFFFFFFL;
        long last = first + size - 1;
        long limit = descriptor.byteLimit();
        if (descriptor.isCode()) {
            if (write || (descriptor.type() & TYPE_READABLE_CODE) == 0) {
                throw fault(stack, (write ? "a write to" : "a read from an execute-only") + " code segment in " + name(segment));
            }
        } else if (write && (descriptor.type() & TYPE_WRITABLE) == 0) {
            throw fault(stack, "a write to a read-only segment in " + name(segment));
        }
        boolean expandDown = !descriptor.isCode() && (descriptor.type() & TYPE_EXPAND_DOWN) != 0;
        boolean inside = expandDown
                ? first > limit && last <= (descriptor.defaultBig() ? 0xFFFFFFFFL : 0xFFFFL)
                : last <= limit;
        if (!inside) {
            throw fault(stack, String.format("offset %#x+%d beyond the limit %#x of %s", first, size, limit, name(segment)));
        }
        return (descriptor.base() + first) & 0xFFFFFFFFL;
    }

    private static GuestFault fault(boolean stack, String why) {
        return stack ? GuestFault.stackFault(0, why) : GuestFault.generalProtection(0, why);
    }

    private static String name(Register segment) {
        return segment.name();
    }
}
