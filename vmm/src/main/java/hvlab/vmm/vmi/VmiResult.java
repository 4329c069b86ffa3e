package hvlab.vmm.vmi;

import java.util.List;
import java.util.Map;

/** What introspection found, one record per kind of request. */
public sealed interface VmiResult {
    record Registers(Map<String, String> values) implements VmiResult {}

    record Bytes(long address, byte[] bytes) implements VmiResult {}

    record Idt(List<IdtGate> gates) implements VmiResult {}

    /** {@code baselineTaken}: there was no baseline, so this check made one (and found nothing, by definition). */
    record Integrity(boolean baselineTaken, int gatesWatched, List<IntegrityBaseline.Finding> findings) implements VmiResult {}

    record Match(String signature, long address) {}

    record Scan(int signatures, List<Match> matches) implements VmiResult {}

    record Processes(String os, List<GuestProcess> processes) implements VmiResult {}

    /** {@code baselineTaken}: there was none, so this check made one (and found nothing, by definition). */
    record KernelIntegrity(boolean baselineTaken, int syscalls, List<KernelBaseline.Finding> findings) implements VmiResult {}

    /** A watch now in front of the VM's traps: a live object of this host, not data to send elsewhere. */
    record Watching(EventWatch watch) implements VmiResult {}

    record Unwatched() implements VmiResult {}

    /**
     * An intervention: what was there before and what is there now, and SHA-256 of the memory it
     * changed (the gate, the system-call table, the process's entry, the bytes written), before and after.
     */
    record Changed(String what, String before, String after, String hashBefore, String hashAfter) implements VmiResult {}
}
