package hvlab.vmm.paravirt;

import java.util.Optional;

/**
 * The hypercall table: every call a paravirtual guest can make with {@code int 0x82}, in one
 * place. The numbers are the ABI; they are never reused or renumbered, only appended to (Xen's
 * rule for {@code __HYPERVISOR_*} in xen/include/public/xen.h: a guest built years ago must
 * still find the same call behind the same number).
 *
 * <p>Each call replaces a privileged or sensitive instruction, or a device the guest would
 * otherwise poke through port I/O, with one explicit request. The {@code xen} column names the
 * Xen hypercall that plays the same role, so the table can be read next to Xen's.
 *
 * <p>{@code user} marks the calls a guest's user task (virtual CPL 3) may make as well. Everything
 * else is for the guest kernel only and answers -EPERM from CPL 3, as Xen answers a hypercall
 * from guest user mode (xen/arch/x86/hvm/hypercall.c: {@code hvm_get_cpl(curr) ? -EPERM}).
 * A user task may probe, print and wait: none of that changes what another task or the kernel
 * relies on.
 */
public enum Hypercall {
    VERSION(0, "version", true, "-", "MAGIC (0x48560001)",
            "probe: is there a hypervisor interface, and which version", "xen_version (17)"),
    CONSOLE_WRITE(1, "console_write", true, "EBX=address, ECX=length", "bytes written (64 KiB at most); -EFAULT",
            "write bytes to the VM's console without touching the UART", "console_io CONSOLEIO_write (18)"),
    GET_IF(2, "get_if", false, "-", "virtual IF (0/1)",
            "read the virtual interrupt flag", "vcpu_info.evtchn_upcall_mask (shared memory)"),
    SET_IF(3, "set_if", false, "-", "previous IF (0/1)",
            "enable virtual interrupts: the paravirtual STI", "vcpu_info.evtchn_upcall_mask (shared memory)"),
    CLEAR_IF(4, "clear_if", false, "-", "previous IF (0/1)",
            "disable virtual interrupts: the paravirtual CLI", "vcpu_info.evtchn_upcall_mask (shared memory)"),
    LOAD_GDT(5, "load_gdt", false, "EBX=address of 6-byte pseudo-descriptor", "0; -EFAULT, -EINVAL",
            "the paravirtual LGDT; the VMM checks the table lies in guest RAM and below its own entries", "set_gdt (2)"),
    LOAD_IDT(6, "load_idt", false, "EBX=address of 6-byte pseudo-descriptor", "0; -EFAULT",
            "the paravirtual LIDT: where the guest's interrupt handlers are", "set_trap_table (0)"),
    READ_CR(7, "read_cr", false, "EBX=n (0, 3 or 4)", "CRn; -EINVAL",
            "the paravirtual MOV from CR0, CR3, CR4", "(none: Xen emulates a PV guest's MOV from CR after its #GP)"),
    WRITE_CR(8, "write_cr", false, "EBX=n (0, 3 or 4), ECX=value", "0; -EINVAL, -EOPNOTSUPP",
            "the paravirtual MOV to CR0, CR3, CR4", "mmuext_op NEW_BASEPTR (26), fpu_taskswitch (5)"),
    GET_TIME(9, "get_time", false, "-", "EDX:EAX = virtual ns since boot",
            "read the virtual clock, in nanoseconds", "vcpu_time_info (shared memory)"),
    YIELD(10, "yield", true, "-", "0",
            "the paravirtual HLT: sleep until the next interrupt if IF is set, else return at once",
            "sched_op SCHEDOP_block (29)"),
    SHUTDOWN(11, "shutdown", false, "EBX=code", "does not return",
            "end the VM with exit status (code << 1) | 1, as the debug-exit port would",
            "sched_op SCHEDOP_shutdown (29)"),
    MEASURE(12, "measure", false, "EBX=address, ECX=length, EDX=32-byte output buffer", "0; -EFAULT",
            "security hook: the VMM computes SHA-256 of a guest region and hands it back", "(none: cf. TPM PCR extend)"),
    VERIFY(13, "verify", false, "EBX=address, ECX=length, EDX=expected 32-byte hash", "1 match, 0 not; -EFAULT",
            "security hook: the VMM checks a guest region against an expected SHA-256", "(none: cf. TPM quote)");

    private final int number;
    private final String label;
    private final boolean user;
    private final String arguments;
    private final String result;
    private final String description;
    private final String xen;

    Hypercall(int number, String label, boolean user, String arguments, String result, String description, String xen) {
        this.number = number;
        this.label = label;
        this.user = user;
        this.arguments = arguments;
        this.result = result;
        this.description = description;
        this.xen = xen;
    }

    public int number() { return number; }

    public String label() { return label; }

    /** May a guest user task (virtual CPL 3) make this call? */
    public boolean allowedFromUser() { return user; }

    public String arguments() { return arguments; }

    public String result() { return result; }

    public String description() { return description; }

    /** The Xen hypercall (or mechanism) that does the same job. */
    public String xen() { return xen; }

    public static Optional<Hypercall> byNumber(int number) {
        for (Hypercall call : values()) {
            if (call.number == number) {
                return Optional.of(call);
            }
        }
        return Optional.empty();
    }

    /** The whole table as text, one call a line, for a teacher to print. */
    public static String table() {
        String row = "%-3s %-14s %-5s %-51s %s%n";
        StringBuilder out = new StringBuilder(String.format(row, "#", "name", "user", "arguments", "result"));
        for (Hypercall call : values()) {
            out.append(String.format(row, call.number, call.label, call.user ? "yes" : "-", call.arguments, call.result));
            out.append(String.format("    %s; Xen: %s%n", call.description, call.xen));
        }
        return out.toString();
    }
}
