package hvlab.vmm.trap;

/**
 * Serves a paravirtual guest's {@code int 0x82}: EAX holds the call number, EBX, ECX, EDX, ESI
 * and EDI the arguments; the handler puts the result in EAX. {@code nextEip} is past the INT.
 */
@FunctionalInterface
public interface HypercallHandler {
    Emulation call(GuestState state, long nextEip);
}
