package hvlab.vmm.trap;

import hvlab.vmm.VmExit;

/**
 * How a device ends its VM: the debug-exit port, a power-off. The device records its request
 * here while the dispatcher handles the port access that made it, and the dispatcher turns it
 * into that same trap's answer ({@link VmStop.End}), so it goes back with the run's result.
 */
public final class ExitRequest {
    private VmExit requested;

    /** Ends the VM with {@code exit} (the first request stands). */
    public void request(VmExit exit) {
        if (requested == null) {
            requested = exit;
        }
    }

    /** The pending request, cleared; null if there is none. */
    public VmExit take() {
        VmExit exit = requested;
        requested = null;
        return exit;
    }
}
