import java.util.Map;

/** The manager's load balancer, which comes to rest (reference solution). */
public final class Balancer {
    private Balancer() {}

    public static String[] move(Map<String, Map<String, Integer>> hosts, int threshold) {
        String busiest = null;
        String idlest = null;
        for (String host : hosts.keySet()) {
            if (busiest == null || load(hosts, host) > load(hosts, busiest)) busiest = host;
            if (idlest == null || load(hosts, host) < load(hosts, idlest)) idlest = host;
        }
        if (busiest == null) {
            return null;
        }
        int difference = load(hosts, busiest) - load(hosts, idlest);
        if (difference <= threshold) {
            return null;
        }
        // Only 0 < x < difference shrinks the gap (and the sum of squared loads: no cycle);
        // the VM nearest half the gap shrinks it most.
        String best = null;
        int bestMiss = Integer.MAX_VALUE;
        for (var vm : hosts.get(busiest).entrySet()) {
            int x = vm.getValue();
            int miss = Math.abs(difference - 2 * x);
            if (x > 0 && x < difference && miss < bestMiss) {
                best = vm.getKey();
                bestMiss = miss;
            }
        }
        return best == null ? null : new String[] {best, busiest, idlest};
    }

    static int load(Map<String, Map<String, Integer>> hosts, String host) {
        return hosts.get(host).values().stream().mapToInt(Integer::intValue).sum();
    }
}
