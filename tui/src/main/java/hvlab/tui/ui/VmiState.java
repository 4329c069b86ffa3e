package hvlab.tui.ui;

import hvlab.vmm.vmi.IdtGate;
import hvlab.vmm.vmi.VmiResult;

import java.util.List;
import java.util.Map;

/**
 * What view 6 last saw inside the selected VM: its registers and IDT (read at most once a
 * second: each read holds the VM off the CPU for a moment), and the latest integrity check,
 * which runs when the user asks (I) and then with every read.
 */
final class VmiState {
    Map<String, String> registers = Map.of();
    List<IdtGate> gates = List.of();
    /** Null until the user asked for a check (the first one takes the baseline). */
    VmiResult.Integrity integrity;
    boolean watching;
    /** For a guest with an OS profile (hvos): its kernel's process table, and the kernel check once asked for. */
    List<hvlab.vmm.vmi.GuestProcess> processes;
    VmiResult.KernelIntegrity kernel;
    String problem;
    long readAt;

    void clear() {
        registers = Map.of();
        gates = List.of();
        integrity = null;
        watching = false;
        processes = null;
        kernel = null;
        problem = null;
        readAt = 0;
    }
}
