package hvlab.vmm.trap;

import hvlab.vmm.VmExit;

/** What emulating one trapped instruction came to. */
public sealed interface Emulation {
    /** Done; the guest goes on at {@code nextEip}. */
    record Resume(long nextEip) implements Emulation {}

    /** The VM ends. */
    record Exit(VmExit exit) implements Emulation {}
}
