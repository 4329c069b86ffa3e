package hvlab.vmm.vmi;

import java.util.List;

/**
 * What a management command asks of introspection: data, so that the same requests can travel
 * to a host in another process later. Reads leave the guest untouched; {@link RestoreGate} and
 * {@link Write} are interventions (paper IV.C.9), logged with the bytes before and after.
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

    /** The guest kernel's processes, read through its OS profile. */
    record Processes(OsProfile profile) implements VmiRequest {}
}
