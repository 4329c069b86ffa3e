package hvlab.vmmm.balance;

import java.util.List;

/**
 * One VM as the balancer sees it.
 *
 * @param demand       CPUs it uses (its measured share: 1.0 is one CPU busy all the time); 0 when not running
 * @param memoryBytes  what a migration must copy at least once: the cost side of a move
 * @param allowedHosts where its placement policy lets it run (paper IV.E.2); empty: anywhere
 * @param cooling      it moved a short while ago and stays where it is for now (no ping-pong)
 */
public record VmLoad(String name, double demand, long memoryBytes, List<String> allowedHosts, boolean cooling) {
    public VmLoad {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        if (!(demand >= 0)) demand = 0;
    }

    boolean mayRunOn(String host) {
        return allowedHosts.isEmpty() || allowedHosts.contains(host);
    }
}
