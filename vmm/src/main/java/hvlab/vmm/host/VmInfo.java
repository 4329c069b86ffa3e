package hvlab.vmm.host;

import java.util.List;
import java.util.Map;

/**
 * What a host reports about one VM ({@code vm info}, {@code vm list}); every field is plain data,
 * so it prints as JSON as it is.
 *
 * @param share           the VM's CPU time over the last measuring window, as a fraction of one CPU
 * @param mips            estimated guest instructions per second, in millions (see {@link Host}
 *                        for how the estimate is made)
 * @param throttledMillis time the VM was ready to run but held back by its cap
 * @param lastExit        how the guest last ended ("poweroff", "fault: ..."), or null
 * @param sameIdentityAs  other VMs on this host that claim the same identity (UUID): a copy that
 *                        was not made a new machine (paper IV.E.1, loss of uniqueness)
 * @param network         the host network its NIC is on, or null for a VM without one
 * @param mac             its MAC address (the one its NIC has, and the switch holds it to)
 * @param ifMirror        the real interrupt flag follows the guest's (trap/InterruptFlagMirror)
 * @param paging          what the shadow MMU did for a paging guest (hidden page faults, entries
 *                        kept across CR3 loads, frames moved or aliased: paging/PagingCounters),
 *                        empty while the VM is off or has never turned paging on
 * @param pagingScheme    how the shadow MMU shows the guest's frames to the emulator (Unicorn 2.1
 *                        translates; on 2.0.1 RAM moves or pages above RAM are second mappings:
 *                        DESIGN.md sections 10, 17 and 18), empty with {@code paging}
 * @param readsAnswered   device reads the CPU answered itself, with no exit (the local APIC's ID:
 *                        APIC virtualization, DESIGN.md section 18)
 */
public record VmInfo(String name, String uuid, String host, String state, String guest, String mode, long memoryBytes,
                     String disk, int weight, int cap, double share, double mips, long cpuMillis, long throttledMillis,
                     Map<String, Long> traps, String lastExit, long virtualMillis, List<String> sameIdentityAs,
                     String network, String mac, boolean ifMirror, Map<String, Long> paging, String pagingScheme,
                     long readsAnswered) {
    public VmInfo {
        pagingScheme = pagingScheme == null ? "" : pagingScheme;
        traps = traps == null ? Map.of() : Map.copyOf(traps);
        paging = paging == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(paging)); // in its order
        sameIdentityAs = sameIdentityAs == null ? List.of() : List.copyOf(sameIdentityAs);
    }

    public VmInfo(String name, String uuid, String host, String state, String guest, String mode, long memoryBytes,
                  String disk, int weight, int cap, double share, double mips, long cpuMillis, long throttledMillis,
                  Map<String, Long> traps, String lastExit, long virtualMillis, List<String> sameIdentityAs,
                  String network, String mac) {
        this(name, uuid, host, state, guest, mode, memoryBytes, disk, weight, cap, share, mips, cpuMillis, throttledMillis, traps,
                lastExit, virtualMillis, sameIdentityAs, network, mac, false);
    }

    /** Without the reads answered with no exit. */
    public VmInfo(String name, String uuid, String host, String state, String guest, String mode, long memoryBytes,
                  String disk, int weight, int cap, double share, double mips, long cpuMillis, long throttledMillis,
                  Map<String, Long> traps, String lastExit, long virtualMillis, List<String> sameIdentityAs,
                  String network, String mac, boolean ifMirror, Map<String, Long> paging, String pagingScheme) {
        this(name, uuid, host, state, guest, mode, memoryBytes, disk, weight, cap, share, mips, cpuMillis, throttledMillis, traps,
                lastExit, virtualMillis, sameIdentityAs, network, mac, ifMirror, paging, pagingScheme, 0);
    }

    /** Without the name of the shadow MMU's scheme. */
    public VmInfo(String name, String uuid, String host, String state, String guest, String mode, long memoryBytes,
                  String disk, int weight, int cap, double share, double mips, long cpuMillis, long throttledMillis,
                  Map<String, Long> traps, String lastExit, long virtualMillis, List<String> sameIdentityAs,
                  String network, String mac, boolean ifMirror, Map<String, Long> paging) {
        this(name, uuid, host, state, guest, mode, memoryBytes, disk, weight, cap, share, mips, cpuMillis, throttledMillis, traps,
                lastExit, virtualMillis, sameIdentityAs, network, mac, ifMirror, paging, "");
    }

    /** Without the shadow MMU's counters. */
    public VmInfo(String name, String uuid, String host, String state, String guest, String mode, long memoryBytes,
                  String disk, int weight, int cap, double share, double mips, long cpuMillis, long throttledMillis,
                  Map<String, Long> traps, String lastExit, long virtualMillis, List<String> sameIdentityAs,
                  String network, String mac, boolean ifMirror) {
        this(name, uuid, host, state, guest, mode, memoryBytes, disk, weight, cap, share, mips, cpuMillis, throttledMillis, traps,
                lastExit, virtualMillis, sameIdentityAs, network, mac, ifMirror, Map.of());
    }

    /** The execution mode as a person reads it: trap mode says when the interrupt flag is mirrored. */
    public String modeDescription() {
        return ifMirror ? mode + " mode, IF mirrored" : mode + " mode";
    }

    /** A VM without a network card. */
    public VmInfo(String name, String uuid, String host, String state, String guest, String mode, long memoryBytes,
                  String disk, int weight, int cap, double share, double mips, long cpuMillis, long throttledMillis,
                  Map<String, Long> traps, String lastExit, long virtualMillis, List<String> sameIdentityAs) {
        this(name, uuid, host, state, guest, mode, memoryBytes, disk, weight, cap, share, mips, cpuMillis, throttledMillis, traps,
                lastExit, virtualMillis, sameIdentityAs, null, null);
    }
}
