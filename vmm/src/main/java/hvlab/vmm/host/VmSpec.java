package hvlab.vmm.host;

/**
 * What {@code vm create} asks for, as the user typed it (sizes and paths are checked by the host).
 *
 * @param guest  a built-in guest's name, an .asm or a .bin path
 * @param memory RAM size such as "16M", or null for the default
 * @param disk   null for no disk, a size such as "32M" for a new disk in the VM's folder, or the
 *               path of an existing raw disk image
 * @param weight the VM's share under contention (default 256: a VM of weight 512 gets twice as much)
 * @param cap    the most of one CPU the VM may use, in percent; 0 for no cap
 * @param mode   trap, bt or paravirt (null for trap)
 * @param closedBox a closed-box VM in Terra's sense: its measured policy forbids introspection
 * @param network a host network to plug the VM's NIC into (it must exist: {@code net create}); null for no NIC
 * @param apic   an MP machine: local and I/O APIC and the MP table (what xv6 needs)
 * @param keyboard typed text also reaches the PS/2 keyboard
 * @param ifMirror the real interrupt flag follows the guest's (trap/InterruptFlagMirror); null for the
 *               guest's own default (on for xv6, off for the rest)
 */
public record VmSpec(String name, String guest, String memory, String disk, int weight, int cap, String mode,
                     boolean closedBox, String network, boolean apic, boolean keyboard, Boolean ifMirror) {
    public static final int DEFAULT_WEIGHT = 256;

    public VmSpec(String name, String guest, String memory, String disk, int weight, int cap, String mode,
                  boolean closedBox, String network, boolean apic, boolean keyboard) {
        this(name, guest, memory, disk, weight, cap, mode, closedBox, network, apic, keyboard, null);
    }

    public VmSpec(String name, String guest, String memory, String disk, int weight, int cap, String mode,
                  boolean closedBox, String network) {
        this(name, guest, memory, disk, weight, cap, mode, closedBox, network, false, false);
    }

    public VmSpec(String name, String guest, String memory, String disk, int weight, int cap, String mode, boolean closedBox) {
        this(name, guest, memory, disk, weight, cap, mode, closedBox, null);
    }

    /** An open-box VM (the default: the VMM may look inside). */
    public VmSpec(String name, String guest, String memory, String disk, int weight, int cap, String mode) {
        this(name, guest, memory, disk, weight, cap, mode, false);
    }

    public static VmSpec of(String name, String guest) {
        return new VmSpec(name, guest, null, null, DEFAULT_WEIGHT, 0, null);
    }
}
