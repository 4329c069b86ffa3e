package hvlab.tui;

import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;

import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a {@link VmResult} into the JSON object of {@code hv run --json} (DESIGN.md section 6). */
final class ExitReport {
    private ExitReport() {}

    static Map<String, Object> json(VmResult result, long memoryBytes) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guest", result.guest());
        out.put("mode", result.mode().label());
        out.put("exit", exit(result.exit()));
        out.put("serial", result.serial());
        out.put("serialDropped", result.serialDropped());
        out.put("traps", result.traps());
        if (result.mode() == hvlab.vmm.ExecutionMode.BT) {
            out.put("translatedSites", result.translatedSites());
        }
        out.put("unclaimedPorts", Map.of("reads", result.unclaimedPortReads(), "writes", result.unclaimedPortWrites()));
        out.put("memoryBytes", memoryBytes);
        out.put("wallMillis", result.wallMillis());
        return out;
    }

    static Map<String, Object> exit(VmExit exit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reason", exit.reason());
        out.put("code", exit.status());
        switch (exit) {
            case VmExit.Halt halt -> out.put("eip", halt.eip());
            case VmExit.DebugExit debug -> out.put("value", debug.value() & 0xFF);
            case VmExit.Fault fault -> {
                out.put("eip", fault.eip());
                out.put("vector", fault.vector());
            }
            case VmExit.MemoryFault fault -> {
                out.put("eip", fault.eip());
                out.put("vector", 14);
                out.put("address", fault.address());
                out.put("access", fault.access());
                out.put("unmapped", fault.unmapped());
            }
            case VmExit.NotEmulated ne -> {
                out.put("eip", ne.eip());
                out.put("instruction", ne.instruction());
            }
            case VmExit.Timeout timeout -> out.put("afterMillis", timeout.millis());
            case VmExit.CpuError error -> { }
            case VmExit.PowerOff off -> { }
        }
        out.put("message", exit.describe());
        return out;
    }

    /** The line {@code hv run} prints on stderr after the guest's own output. */
    static String summary(VmResult result) {
        StringBuilder traps = new StringBuilder();
        result.traps().forEach((kind, n) -> {
            if (n > 0) traps.append(traps.isEmpty() ? "" : ", ").append(kind).append(' ').append(n);
        });
        return String.format("[hv] %s (%s, %s mode, %d ms; traps: %s)", result.exit().describe(), result.exit().reason(),
                result.mode().label(), result.wallMillis(), traps.isEmpty() ? "none" : traps);
    }
}
