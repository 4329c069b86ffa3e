package hvlab.vmm.host;

import hvlab.vmm.vmi.GuestProcess;

import java.util.List;

/**
 * What a replay found. {@code verdict}: {@code same} (the end reached with the recording's
 * registers, memory and serial output), {@code diverged} (at {@code point}, {@code detail} says
 * how), or {@code stopped} (at the time asked for, or where an incomplete recording ends).
 * {@code memorySha256} is the replayed machine's at the end; {@code console} its serial output;
 * {@code processes} the guest's process list there (empty without an OS profile).
 */
public record ReplayReport(String vm, String verdict, long events, long totalEvents, String point, long virtualNanos,
                           String detail, String memorySha256, long millis, String console, List<GuestProcess> processes) {
    public ReplayReport {
        processes = List.copyOf(processes);
    }
}
