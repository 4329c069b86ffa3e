package hvlab.tui.threat;

/** The paper's five security properties (section V, A to E), in its order. */
public enum Property {
    CONFIDENTIALITY("C", "confidentiality"),
    INTEGRITY("I", "integrity"),
    AVAILABILITY("A", "availability"),
    AUTHENTICITY("Au", "authenticity"),
    NON_REPUDIATION("NR", "non-repudiation");

    private final String abbreviation;
    private final String label;

    Property(String abbreviation, String label) {
        this.abbreviation = abbreviation;
        this.label = label;
    }

    public String abbreviation() {
        return abbreviation;
    }

    public String label() {
        return label;
    }
}
