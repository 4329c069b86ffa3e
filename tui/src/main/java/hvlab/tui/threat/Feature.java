package hvlab.tui.threat;

/**
 * The paper's virtualization features (section IV, its five groups; the rows of its figure 4),
 * each with the subsection that describes it.
 */
public enum Feature {
    TRAP_EXECUTION("hardware", "trap program execution", "IV.A.1"),
    TPM("hardware", "trusted platform module", "IV.A.2"),
    IMAGE("VM", "store VM as image", "IV.B.1"),
    MODIFIED_SOFTWARE("VM", "modified VM software", "IV.B.2"),
    SMALL_FOOTPRINT("VMM", "small footprint", "IV.C.1"),
    HIERARCHICAL_CONTROL("VMM", "hierarchical control", "IV.C.2"),
    ISOLATION("VMM", "isolation between processes", "IV.C.3"),
    LOGGING("VMM", "logging", "IV.C.4"),
    VMM_LOAD_BALANCING("VMM", "load balancing (VMM)", "IV.C.5"),
    COPY_BACKUP("VMM", "copy and backup VMs", "IV.C.6"),
    INTROSPECTION("VMM", "introspection", "IV.C.7"),
    ATTESTATION("VMM", "attestation", "IV.C.8"),
    INTERFERENCE("VMM", "interference", "IV.C.9"),
    POWER("VMM", "power functions", "IV.C.10"),
    NETWORKING("VMM", "networking", "IV.C.11"),
    ROLLBACK("VMM", "rollback", "IV.C.12"),
    VM_MANAGEMENT("VMM", "VM management", "IV.C.13"),
    TRANSFER("VMMM", "transfer", "IV.D.1"),
    REPLICATION("VMMM", "replication", "IV.D.2"),
    VMMM_LOAD_BALANCING("VMMM", "load balancing (VMMM)", "IV.D.3"),
    PATCHING("VMMM", "patching", "IV.D.4"),
    VMM_MANAGEMENT("VMMM", "VMM management", "IV.D.5"),
    UNIQUENESS("emergent", "loss of uniqueness", "IV.E.1"),
    LOCATION("emergent", "loss of location-boundedness", "IV.E.2"),
    MONOTONICITY("emergent", "loss of monotonicity", "IV.E.3");

    private final String group;
    private final String label;
    private final String section;

    Feature(String group, String label, String section) {
        this.group = group;
        this.label = label;
        this.section = section;
    }

    public String group() {
        return group;
    }

    public String label() {
        return label;
    }

    public String section() {
        return section;
    }
}
