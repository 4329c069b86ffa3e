package hvlab.cpu;

/** The VMM's answer to a {@link Trap}: go on (perhaps with a value for the guest) or stop the CPU. */
public sealed interface TrapOutcome {

    /** Resume the guest at whatever EIP the VMM left in the CPU. */
    record Continue() implements TrapOutcome {}

    /** Resume, giving the guest this value (the data an {@code in} instruction reads). */
    record ContinueWith(int value) implements TrapOutcome {}

    /** Stop the CPU; {@link CpuBackend#run} returns {@link RunResult.Cause#STOPPED}. */
    record Stop() implements TrapOutcome {}

    TrapOutcome CONTINUE = new Continue();
    TrapOutcome STOP = new Stop();

    static TrapOutcome value(int value) {
        return new ContinueWith(value);
    }
}
