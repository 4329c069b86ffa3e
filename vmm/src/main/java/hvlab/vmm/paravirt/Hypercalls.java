package hvlab.vmm.paravirt;

/**
 * The paravirtual interface: a guest that knows it is virtualized calls the VMM with
 * {@code int 0x82} (Xen's 32-bit hypercall vector), the call number in EAX and arguments in
 * EBX, ECX, EDX, ESI, EDI; the result comes back in EAX. Numbers the VMM does not know return
 * -ENOSYS, as in Linux and Xen. The calls themselves are listed in {@link Hypercall} and served by
 * {@link HypercallTable}.
 */
public final class Hypercalls {
    public static final int VECTOR = 0x82;
    public static final int ENOSYS = -38;
    /** Errors come back as negative Linux errno values, as Xen returns them (xen/include/public/errno.h). */
    public static final int EPERM = -1;
    public static final int EFAULT = -14;
    public static final int EINVAL = -22;
    public static final int EOPNOTSUPP = -95;
    /** What {@link Hypercall#VERSION} answers: "HV" and interface version 1 (Xen's is major << 16 | minor). */
    public static final int MAGIC = 0x48560001;

    private Hypercalls() {}
}
