package hvlab.cpu;

/** What the guest may do with a range of memory: the page permissions the emulated MMU enforces. */
public record Protection(boolean read, boolean write, boolean execute) {
    public static final Protection ALL = new Protection(true, true, true);
    public static final Protection READ_EXECUTE = new Protection(true, false, true);
    public static final Protection READ_ONLY = new Protection(true, false, false);
    public static final Protection READ_WRITE = new Protection(true, true, false);
}
