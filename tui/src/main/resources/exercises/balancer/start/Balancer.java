import java.util.Map;

/** The manager's load balancer: see 'hv exercise show balancer'. */
public final class Balancer {
    private Balancer() {}

    public static String[] move(Map<String, Map<String, Integer>> hosts, int threshold) {
        String busiest = null;
        String idlest = null;
        for (String host : hosts.keySet()) {
            if (busiest == null || load(hosts, host) > load(hosts, busiest)) busiest = host;
            if (idlest == null || load(hosts, host) < load(hosts, idlest)) idlest = host;
        }
        if (busiest == null || load(hosts, busiest) - load(hosts, idlest) <= threshold) {
            return null;
        }
        // TODO: this moves the biggest VM, whether or not that helps. It ping-pongs.
        String biggest = null;
        for (var vm : hosts.get(busiest).entrySet()) {
            if (biggest == null || vm.getValue() > hosts.get(busiest).get(biggest)) biggest = vm.getKey();
        }
        return new String[] {biggest, busiest, idlest};
    }

    static int load(Map<String, Map<String, Integer>> hosts, String host) {
        return hosts.get(host).values().stream().mapToInt(Integer::intValue).sum();
    }
}
