package hvlab.vmm.vmi;

/**
 * One thing the guest did that a {@link EventWatch} was asked to report, as the VMM saw it on its
 * trap path (paper IV.C.7: introspection of events, not only of state).
 *
 * @param seq          its number in the watch (1, 2, ...)
 * @param virtualNanos the VM's virtual time when it happened
 * @param kind         {@code syscall}, {@code cr3} or {@code break}
 * @param eip          where the guest was: the {@code int} instruction, the breakpoint's address
 * @param cr3          the guest's page directory then (after the switch, for {@code cr3}): which process
 * @param number       the system call's number (EAX), the CR3 before a switch, or 0
 * @param arguments    EBX, ECX, EDX for a system call or a breakpoint (empty otherwise)
 * @param process      the process that CR3 belongs to, read from the kernel's table at that moment
 *                     through the OS profile ("pid 5 (ps)"), or "" without a profile
 */
public record VmiEvent(long seq, long virtualNanos, String kind, long eip, long cr3, long number, long[] arguments, String process) {
    public VmiEvent {
        arguments = arguments.clone();
    }

    @Override
    public long[] arguments() {
        return arguments.clone();
    }
}
