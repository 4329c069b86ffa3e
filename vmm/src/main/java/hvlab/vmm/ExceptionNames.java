package hvlab.vmm;

/** The architectural names of the x86 exception vectors 0-31 (SDM Vol. 3, Table 6-1). */
public final class ExceptionNames {
    private static final String[] MNEMONICS = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "coprocessor-overrun", "#TS", "#NP",
        "#SS", "#GP", "#PF", "reserved-15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP"
    };

    private ExceptionNames() {}

    public static String mnemonic(int vector) {
        if (vector >= 0 && vector < MNEMONICS.length) return MNEMONICS[vector];
        return vector < 32 ? "reserved-" + vector : "int " + vector;
    }

    public static final int DIVIDE_ERROR = 0;
    public static final int BREAKPOINT = 3;
    public static final int INVALID_OPCODE = 6;
    public static final int DOUBLE_FAULT = 8;
    public static final int GENERAL_PROTECTION = 13;
    public static final int PAGE_FAULT = 14;
}
