package hvlab.vmm;

/** The kinds of VM exit the VMM counts; {@link #label()} is the key used in reports and JSON. */
public enum TrapKind {
    /** A privileged instruction raised #GP at CPL 3 and was emulated (CLI, STI, HLT, MOV CR0, ...). */
    PRIVILEGED("privileged"),
    /** Port I/O reached a virtual device. */
    IO("io"),
    /** A paravirtual guest called the VMM with {@code int 0x82}. */
    HYPERCALL("hypercall"),
    /** CPUID, answered by the VMM's virtual CPUID. */
    CPUID("cpuid"),
    /** A software interrupt or exception reflected to the guest. */
    INTERRUPT("interrupt"),
    /** A fault the VMM could not or would not hide from the guest. */
    FAULT("fault"),
    /** A sensitive instruction caught by binary translation. */
    TRANSLATED("translated"),
    /**
     * A real page fault that only the VMM's shadow page tables needed (a page not yet shadowed, a
     * first write): filled in, and the guest never saw it. The cost of memory virtualization without EPT.
     */
    SHADOW_PAGE_FAULT("shadow-pf"),
    /** A load or store to device memory (the local or I/O APIC's page) reached a virtual device. */
    MMIO("mmio");

    private final String label;

    TrapKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
