package hvlab.vmmm.balance;

import java.util.List;

/**
 * One host as the balancer sees it: how many CPUs it has and what its VMs demand. Its load is
 * the demand over the capacity, so a host with two CPUs and one busy VM is half loaded.
 */
public record HostLoad(String name, int capacity, List<VmLoad> vms) {
    public HostLoad {
        vms = List.copyOf(vms);
        if (capacity < 1) throw new IllegalArgumentException("host " + name + " has no CPU (capacity " + capacity + ")");
    }

    public double demand() {
        return vms.stream().mapToDouble(VmLoad::demand).sum();
    }

    public double load() {
        return demand() / capacity;
    }
}
