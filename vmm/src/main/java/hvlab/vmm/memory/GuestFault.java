package hvlab.vmm.memory;

import hvlab.cpu.MemoryAccess;

/**
 * An access the VMM tried on the guest's behalf that the guest's own hardware would have
 * refused. Thrown by the {@link GuestRam} door and by segment checks, caught where the trap is
 * handled, and turned into what the real machine would do:
 * <ul>
 *   <li>{@link Exception}: a processor exception for the guest (#GP, #SS, #PF...), delivered
 *       through its IDT with this error code;</li>
 *   <li>{@link OutsideRam}: an address with no guest RAM behind it. With paging off a real PC
 *       would read floating bus lines there; the native path of this VMM ends the VM with a
 *       memory fault, and the emulated path does the same, so both ways agree.</li>
 * </ul>
 * Cheap to throw: no stack trace, since it is an answer, not a bug.
 */
public abstract sealed class GuestFault extends RuntimeException {
    private GuestFault(String message) {
        super(message, null, false, false);
    }

    /** A processor exception the guest would have taken. */
    public static final class Exception extends GuestFault {
        private final int vector;
        private final int errorCode;

        public Exception(int vector, int errorCode, String message) {
            super(message);
            this.vector = vector;
            this.errorCode = errorCode;
        }

        public int vector() {
            return vector;
        }

        public int errorCode() {
            return errorCode;
        }
    }

    /** Guest-physical memory that is not guest RAM (the VMM's own region, or nothing at all). */
    public static final class OutsideRam extends GuestFault {
        private final long address;
        private final MemoryAccess access;

        public OutsideRam(long address, MemoryAccess access) {
            super(String.format("%s of %#x, outside guest RAM", access.verb(), address));
            this.address = address;
            this.access = access;
        }

        public long address() {
            return address;
        }

        public MemoryAccess access() {
            return access;
        }
    }

    public static GuestFault.Exception generalProtection(int errorCode, String why) {
        return new Exception(13, errorCode, why);
    }

    public static GuestFault.Exception stackFault(int errorCode, String why) {
        return new Exception(12, errorCode, why);
    }
}
