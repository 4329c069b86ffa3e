package hvlab.cpu;

/** Receives every {@link Trap} while the CPU runs. Called on the thread that called {@link CpuBackend#run}. */
@FunctionalInterface
public interface TrapHandler {
    TrapOutcome onTrap(Trap trap);
}
