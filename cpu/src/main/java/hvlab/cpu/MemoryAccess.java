package hvlab.cpu;

/** The kind of memory access that went wrong in a {@link Trap.MemoryFault}. */
public enum MemoryAccess {
    READ, WRITE, FETCH;

    public String verb() {
        return switch (this) {
            case READ -> "read";
            case WRITE -> "write";
            case FETCH -> "fetch";
        };
    }
}
