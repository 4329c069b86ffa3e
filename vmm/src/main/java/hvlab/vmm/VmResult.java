package hvlab.vmm;

import java.util.Map;

/** What happened to a VM that ran to its end. */
public record VmResult(String guest, ExecutionMode mode, VmExit exit, String serial, Map<String, Long> traps,
                       long unclaimedPortReads, long unclaimedPortWrites, int translatedSites, long wallMillis,
                       long serialDropped) {

    public long traps(TrapKind kind) {
        return traps.getOrDefault(kind.label(), 0L);
    }
}
