package hvlab.tui.classroom;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A balancer called round after round, each move applied as a migration would: it must move only
 * when the hosts differ by more than the threshold, make only moves that help, and come to rest
 * without ever returning to an earlier placement (ping-pong is a cycle of placements).
 */
final class BalancerGrader implements Grader {
    private static final int ROUNDS = 20;

    private record Case(String name, Map<String, Map<String, Integer>> hosts, int threshold, boolean expectsMoves) {}

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        Method move;
        try {
            move = StudentJava.method(StudentJava.compile(work, "Balancer"), "move", Map.class, int.class);
        } catch (IllegalStateException e) {
            checks.add(Check.of("Balancer.java compiles", false, e.getMessage()));
            return checks;
        }
        checks.add(Check.pass("Balancer.java compiles"));
        for (Case c : List.of(
                new Case("within the threshold: no move", hosts("h1", Map.of("a", 30, "b", 20), "h2", Map.of("c", 45)), 10, false),
                new Case("one VM of 60% beside an idle host: moving it only moves the problem", hosts("h1", Map.of("big", 60),
                        "h2", Map.of()), 10, false),
                new Case("a big VM and a small one: move the small one, never the big one back and forth",
                        hosts("h1", Map.of("big", 60, "small", 10), "h2", Map.of("c", 10)), 10, true),
                new Case("three VMs onto an idle host", hosts("h1", Map.of("a", 50, "b", 30, "c", 20), "h2", Map.of()), 10, true),
                new Case("four hosts, uneven", hosts("h1", Map.of("a", 40, "b", 35, "c", 25, "d", 10), "h2", Map.of("e", 5),
                        "h3", Map.of(), "h4", Map.of("f", 70)), 10, true))) {
            checks.add(simulate(move, c));
        }
        return checks;
    }

    @SuppressWarnings("unchecked")
    private static Check simulate(Method move, Case c) {
        Map<String, Map<String, Integer>> hosts = copy(c.hosts());
        Set<String> seen = new HashSet<>();
        seen.add(hosts.toString());
        int moves = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Object got;
            try {
                got = StudentJava.call(move, copy(hosts), c.threshold());
            } catch (StudentJava.NoAnswer e) {
                return Check.of(c.name(), false, "your balancer " + e.getMessage());
            }
            if (got == null) {
                String spread = "spread " + spread(hosts) + "%";
                if (c.expectsMoves() && moves == 0) return Check.of(c.name(), false, "it never moved anything (" + spread + ")");
                if (improvingMoveExists(hosts, c.threshold())) {
                    return Check.of(c.name(), false, "it stopped at " + hosts + " (" + spread + ") although a move would still help");
                }
                return Check.pass(c.name() + " (" + moves + " moves, then at rest)");
            }
            if (!(got instanceof String[] m) || m.length != 3 || !hosts.containsKey(m[1]) || !hosts.containsKey(m[2])
                    || !hosts.get(m[1]).containsKey(m[0]) || m[1].equals(m[2])) {
                return Check.of(c.name(), false, "round " + (round + 1) + ": not a move of a VM between two hosts: " + describe(got));
            }
            if (!c.expectsMoves()) {
                return Check.of(c.name(), false, "it moved " + m[0] + " from " + m[1] + " to " + m[2] + ", which does not help");
            }
            long before = squares(hosts);
            hosts.get(m[2]).put(m[0], hosts.get(m[1]).remove(m[0]));
            moves++;
            if (!seen.add(hosts.toString())) {
                return Check.of(c.name(), false, "round " + (round + 1) + ": moving " + m[0] + " to " + m[2]
                        + " returns to an earlier placement: ping-pong");
            }
            if (squares(hosts) >= before) {
                return Check.of(c.name(), false, "round " + (round + 1) + ": moving " + m[0] + " from " + m[1] + " to " + m[2]
                        + " made the hosts no more even");
            }
        }
        return Check.of(c.name(), false, "still moving after " + ROUNDS + " rounds: " + hosts);
    }

    private static Map<String, Map<String, Integer>> hosts(Object... pairs) {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked")
            Map<String, Integer> vms = (Map<String, Integer>) pairs[i + 1];
            out.put((String) pairs[i], new TreeMap<>(vms));
        }
        return out;
    }

    private static Map<String, Map<String, Integer>> copy(Map<String, Map<String, Integer>> hosts) {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        hosts.forEach((h, vms) -> out.put(h, new TreeMap<>(vms)));
        return out;
    }

    private static int load(Map<String, Integer> vms) {
        return vms.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static int spread(Map<String, Map<String, Integer>> hosts) {
        return hosts.values().stream().mapToInt(BalancerGrader::load).max().orElse(0)
                - hosts.values().stream().mapToInt(BalancerGrader::load).min().orElse(0);
    }

    private static long squares(Map<String, Map<String, Integer>> hosts) {
        return hosts.values().stream().mapToLong(v -> (long) load(v) * load(v)).sum();
    }

    /** Between the busiest and the idlest host, beyond the threshold, is there a VM that would narrow the gap? */
    private static boolean improvingMoveExists(Map<String, Map<String, Integer>> hosts, int threshold) {
        var max = hosts.values().stream().max((a, b) -> Integer.compare(load(a), load(b))).orElseThrow();
        int gap = spread(hosts);
        return gap > threshold && max.values().stream().anyMatch(x -> x > 0 && x < gap);
    }

    private static String describe(Object got) {
        return got instanceof String[] a ? java.util.Arrays.toString(a) : String.valueOf(got);
    }
}
