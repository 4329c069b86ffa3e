package hvlab.vmm;

/**
 * How the VMM deals with x86's sensitive-but-unprivileged instructions (Robin and Irvine, 2000),
 * the ones that break Popek and Goldberg's condition for a trap-and-emulate VMM.
 */
public enum ExecutionMode {
    /** Plain trap-and-emulate: privileged instructions trap, sensitive ones leak. */
    TRAP,
    /** Binary translation: the VMM finds sensitive instructions before they run and emulates them. */
    BT,
    /** Paravirtualization: the guest is written to call the VMM (hypercalls) instead. */
    PARAVIRT;

    public String label() {
        return name().toLowerCase();
    }

    public static ExecutionMode parse(String text) {
        for (ExecutionMode mode : values()) {
            if (mode.label().equals(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + text + "' (choose trap, bt or paravirt)");
    }
}
