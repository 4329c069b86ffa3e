package hvlab.vmm.gdb;

import java.util.function.Consumer;

/**
 * What the stub needs from whatever it debugs: a VM on a host ({@code host.VmDebugTarget}), or
 * a made-up machine in the protocol's tests. Every method is called with the target stopped,
 * except {@link #interrupt}; a request the target refuses throws {@link TargetException} with one
 * line that says why, and the client gets an error reply.
 */
public interface DebugTarget {

    /** Stops the target where it is (if it runs) and takes it under the debugger: the attach. */
    Stop attach();

    /** The registers as the guest believes them (virtual CPL in CS and SS, virtual IF). */
    I386Registers registers();

    void setRegisters(I386Registers registers);

    /** Guest memory at a virtual address (through the guest's page tables when it pages). */
    byte[] readMemory(long address, int length);

    void writeMemory(long address, byte[] bytes);

    void insertBreakpoint(long address);

    void removeBreakpoint(long address);

    /** Executes exactly one guest instruction and says how the target stopped. */
    Stop step();

    /**
     * Lets the target run; {@code whenStopped} is called once, from any thread, when it stops
     * (a breakpoint, {@link #interrupt}, the guest's end).
     */
    void resume(Consumer<Stop> whenStopped);

    /** Stops a target that {@link #resume} let run (gdb's Ctrl-C). Any thread. */
    void interrupt();

    /** The debugger leaves: breakpoints go, the target runs on as before the attach. */
    void detach();

    /** gdb's kill: for a VM, power it off. */
    void kill();

    /** Why the target stopped: what a stop reply says. */
    sealed interface Stop {
        /** Stopped by a signal: 5 (SIGTRAP) for a breakpoint or a step, 2 (SIGINT) for Ctrl-C. */
        record Signal(int signal, boolean breakpoint) implements Stop {}

        /** The guest ended by itself (a debug exit, a power-off): gdb's "exited with code". */
        record Exited(int code) implements Stop {}

        /** The machine is gone another way (crashed, powered off from outside): reported as killed by a signal. */
        record Gone(int signal, String why) implements Stop {}

        Stop TRAP = new Signal(5, false);
        Stop BREAKPOINT = new Signal(5, true);
        Stop INTERRUPTED = new Signal(2, false);
    }

    /** A refusal: the address is not the guest's, the VM is gone, ... */
    final class TargetException extends RuntimeException {
        public TargetException(String message) {
            super(message, null, false, false);
        }
    }
}
