package hvlab.vmm.trap;

import hvlab.vmm.VmExit;

/** What emulating one trapped instruction came to. */
public sealed interface Emulation {
    /** Done; the guest goes on at {@code nextEip}. */
    record Resume(long nextEip) implements Emulation {}

    /**
     * The instruction is not allowed here, and a real CPU would raise exception {@code vector}
     * (with {@code errorCode}, for the vectors that push one) at {@code eip}: the VMM reflects
     * it to the guest kernel.
     */
    record Raise(int vector, int errorCode, long eip) implements Emulation {}

    /** HLT with interrupts enabled: sleep until the next virtual interrupt, then go on at {@code nextEip}. */
    record Halt(long nextEip) implements Emulation {}

    /** The VM ends. */
    record Exit(VmExit exit) implements Emulation {}

    /**
     * A watched instruction is no longer what was scanned (the guest rewrote it): the VMM must
     * stop watching {@code eip} and let the CPU run what is there now, from {@code eip}.
     */
    record Retranslate(long eip) implements Emulation {}
}
