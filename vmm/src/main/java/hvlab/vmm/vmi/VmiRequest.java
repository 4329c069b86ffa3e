package hvlab.vmm.vmi;

import java.util.List;

/**
 * What a management command asks of introspection: data, so that the same requests can travel
 * to a host in another process later. Reads leave the guest untouched; {@link RestoreGate},
 * {@link RestoreSyscall}, {@link Write} and {@link Kill} are interventions (paper IV.C.9), logged
 * with the values before and after and a hash of the memory they changed, before and after.
 */
public sealed interface VmiRequest {
    record Registers() implements VmiRequest {}

    record Read(long address, int length) implements VmiRequest {}

    record Idt() implements VmiRequest {}

    /** Compares with the VM's integrity baseline, taking one first if there is none (or {@code fresh}). */
    record Integrity(boolean fresh) implements VmiRequest {}

    record Scan(List<Signature> signatures) implements VmiRequest {}

    /** Puts an IDT gate back as the baseline has it. */
    record RestoreGate(int vector) implements VmiRequest {}

    record Write(long address, byte[] bytes) implements VmiRequest {}

    /** Livewire's integrity checker over what the profile names: kernel text, system-call table (a baseline first if none, or {@code fresh}). */
    record KernelIntegrity(OsProfile profile, boolean fresh) implements VmiRequest {}

    /** Puts a system-call table entry back as the kernel baseline ({@link KernelIntegrity}) has it. */
    record RestoreSyscall(OsProfile profile, int number) implements VmiRequest {}

    /** Ends a guest process through its kernel's own table: the profile's kill flag, which the guest kernel honours. */
    record Kill(OsProfile profile, int pid) implements VmiRequest {}

    /** Starts reporting events ({@link EventWatch}): the answer is the watch, to take its events from until {@link Unwatch}. */
    record Watch(EventWatch.Spec spec) implements VmiRequest {}

    record Unwatch(EventWatch watch) implements VmiRequest {}

    /** The guest kernel's processes, read through its OS profile. */
    record Processes(OsProfile profile) implements VmiRequest {}
}
