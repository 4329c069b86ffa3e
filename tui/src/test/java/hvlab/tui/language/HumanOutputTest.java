package hvlab.tui.language;

import hvlab.vmm.host.VmInfo;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class HumanOutputTest {
    private static VmInfo vm(Map<String, Long> paging) {
        return new VmInfo("x6", "u", "local", "running", "xv6", "trap", 256L << 20, null, 256, 0, 0.5, 500, 10, 0,
                Map.of("privileged", 3L), null, 5, List.of(), null, "52:54:00:00:00:01", true, paging);
    }

    @Test
    void vmInfoShowsWhatTheShadowMmuDidInItsOwnOrderLeavingOutZeros() {
        Map<String, Long> paging = new LinkedHashMap<>();
        paging.put("hidden page faults", 60_161L);
        paging.put("guest page faults", 0L);
        paging.put("shadow entries kept across CR3 loads", 1_200L);
        String details = HumanOutput.details(vm(paging));
        assertTrue(details.contains("shadow MMU:"), details);
        assertTrue(details.contains("hidden page faults 60161, shadow entries kept across CR3 loads 1200\n"), details);
        assertFalse(details.contains("guest page faults"), details);
    }

    @Test
    void theShadowMmuLineNamesItsSchemeFirst() {
        VmInfo x6 = vm(Map.of("hidden page faults", 7L));
        VmInfo named = new VmInfo(x6.name(), x6.uuid(), x6.host(), x6.state(), x6.guest(), x6.mode(), x6.memoryBytes(), x6.disk(),
                x6.weight(), x6.cap(), x6.share(), x6.mips(), x6.cpuMillis(), x6.throttledMillis(), x6.traps(), x6.lastExit(),
                x6.virtualMillis(), x6.sameIdentityAs(), x6.network(), x6.mac(), x6.ifMirror(), x6.paging(), "the emulator translates");
        assertTrue(HumanOutput.details(named).matches("(?s).*shadow MMU: +the emulator translates; hidden page faults 7\n.*"),
                HumanOutput.details(named));
    }

    @Test
    void aVmThatDoesNotPageHasNoShadowMmuLine() {
        assertFalse(HumanOutput.details(vm(Map.of())).contains("shadow MMU"));
    }
}
