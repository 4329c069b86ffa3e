package hvlab.cpu;

/**
 * The four registers that point the CPU at its system tables (SDM Vol. 3, 2.4): GDTR and IDTR
 * hold a linear base and a limit; LDTR and TR also hold the selector they were loaded from
 * and a cached descriptor's attribute flags.
 */
public enum TableRegister {
    GDTR, IDTR, LDTR, TR;

    /** The value of one of these registers. {@code selector} and {@code flags} are 0 for GDTR and IDTR. */
    public record Value(int selector, long base, int limit, int flags) {
        public static Value of(long base, int limit) {
            return new Value(0, base, limit, 0);
        }
    }
}
