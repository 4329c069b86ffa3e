package hvlab.vmm.host;

/**
 * The states a VM goes through, with libvirt's names. A guest that powers off (or halts for
 * good, or writes the debug-exit port) goes back to {@link #DEFINED}; one that triple-faults or
 * faults beyond repair goes to {@link #CRASHED}, with the reason kept, and the other VMs of the
 * host run on.
 */
public enum VmLifecycle {
    /** Shut off: defined in the store, no machine running. */
    DEFINED("defined"),
    RUNNING("running"),
    /** Stopped at an instruction boundary; resumes exactly there. */
    PAUSED("paused"),
    /** The power button was pressed; the guest is (perhaps) shutting down. */
    SHUTTING_DOWN("shutting-down"),
    CRASHED("crashed");

    private final String label;

    VmLifecycle(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static VmLifecycle parse(String text) {
        for (VmLifecycle state : values()) {
            if (state.label.equals(text) || (state == DEFINED && (text.equals("shut-off") || text.equals("shutoff")))) {
                return state;
            }
        }
        throw new HostException("unknown state '" + text + "' (states: defined, running, paused, shutting-down, crashed)");
    }

    /** Does the VM have a machine (RAM, a CPU) right now? */
    public boolean active() {
        return this == RUNNING || this == PAUSED || this == SHUTTING_DOWN;
    }
}
