package hvlab.vmm.host;

/**
 * The power and lifecycle actions, named as libvirt's {@code virsh} names them. Which one is
 * allowed depends on the VM's {@link VmLifecycle} state; an action that is not is refused with a
 * message naming the state the VM is in.
 */
public enum PowerAction {
    /** Power on a shut-off (or crashed) VM: a fresh boot. */
    START,
    /** Stop a running VM at an exact instruction boundary; its clock stops too. */
    PAUSE,
    /** Let a paused VM go on where it stopped. */
    RESUME,
    /** Power-cycle: a fresh boot of the same definition (the disk keeps what was written). */
    RESET,
    /** Press the power button: the guest is told and may clean up and power off, or refuse. */
    SHUTDOWN,
    /** Pull the plug at once. */
    POWEROFF,
    /** virsh's name for pulling the plug: the same as {@link #POWEROFF}. */
    DESTROY,
    /** Forget a shut-off VM: its definition, image and disk leave the store. */
    UNDEFINE;

    public String label() {
        return name().toLowerCase();
    }

    public static PowerAction parse(String text) {
        for (PowerAction action : values()) {
            if (action.label().equals(text)) {
                return action;
            }
        }
        throw new HostException("unknown action '" + text + "'");
    }
}
