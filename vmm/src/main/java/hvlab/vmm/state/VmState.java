package hvlab.vmm.state;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.VirtualCpu;
import hvlab.vmm.boot.ShadowGdt;
import hvlab.vmm.console.ConsoleLog;
import hvlab.vmm.devices.DeviceState;

import java.util.List;
import java.util.Map;

/**
 * The whole state of a stopped VM as plain data: what {@code Vm.save()} captures and
 * {@code Vm.restore()} takes up, in the same VM or a fresh one. Snapshots, migration,
 * replication and replay are all built from this.
 *
 * <p>Guest RAM is held by reference, not copied: the state is consistent while the VM stays
 * stopped. Whoever keeps a state longer (a snapshot, a migration) copies RAM in the way that
 * suits it (all of it, or only the pages written since).
 *
 * @param entered         false while the guest has not run its first instruction yet
 * @param watched         addresses binary translation watches (bt mode), to watch again
 * @param waiting         the guest is halted, waiting for an interrupt
 * @param virtualNanos    the VM's virtual clock
 * @param counters        VM exits so far, by kind label
 */
public record VmState(CpuRegisters cpu, VirtualCpu.State vcpu, ShadowGdt.State shadow, List<DeviceState> devices,
                      GuestMemory ram, boolean entered, List<Long> watched, boolean waiting, long virtualNanos,
                      ConsoleLog.Contents console, Map<String, Long> counters) {
    public VmState {
        devices = List.copyOf(devices);
        watched = List.copyOf(watched);
        counters = Map.copyOf(counters);
    }
}
