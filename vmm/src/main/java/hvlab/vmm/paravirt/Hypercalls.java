package hvlab.vmm.paravirt;

/**
 * The paravirtual interface: a guest that knows it is virtualized calls the VMM with
 * {@code int 0x82} (Xen's 32-bit hypercall vector), the call number in EAX and arguments in
 * EBX, ECX, EDX, ESI, EDI; the result comes back in EAX. Numbers the VMM does not know return
 * -ENOSYS, as in Linux and Xen.
 */
public final class Hypercalls {
    public static final int VECTOR = 0x82;
    public static final int ENOSYS = -38;

    /** Performs call {@code number} and returns what goes back to the guest in EAX. */
    public int call(int number, int[] arguments) {
        return ENOSYS;
    }
}
