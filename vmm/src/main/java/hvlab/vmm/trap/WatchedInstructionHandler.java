package hvlab.vmm.trap;

/**
 * Emulates an instruction the VMM asked the CPU to stop at before it runs (a binary translator's
 * instrumented site). Returns how the guest goes on.
 */
@FunctionalInterface
public interface WatchedInstructionHandler {
    Emulation onWatched(long eip, GuestState state);
}
