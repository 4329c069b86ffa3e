package hvlab.vmmm.balance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The load balancer's decisions, as pure logic (paper IV.D.3: a VMM-based datacenter can move
 * running machines to even out load; VMware's DRS does it). The measure of imbalance is the
 * standard deviation of the hosts' loads, as in DRS. A plan first mends broken affinity rules,
 * then, while the imbalance is above {@code threshold}, takes the one move that lowers it most
 * once its cost is paid, until no move is worth making or {@code maxMoves} are planned.
 *
 * <p>Three things keep it from moving VMs back and forth (ping-pong): it does nothing while the
 * imbalance is below the threshold, each move must lower it by at least {@code minGain} (more
 * than measuring noise), and a VM that moved a short while ago is left alone ({@link VmLoad#cooling}).
 *
 * @param threshold  imbalance below which the datacenter is left alone
 * @param minGain    the least a move must lower the imbalance by
 * @param costPerMiB what copying one MiB of memory costs, in imbalance units: a big VM must gain more
 * @param maxMoves   moves in one plan at most
 */
public record BalancePolicy(double threshold, double minGain, double costPerMiB, int maxMoves) {
    public static final BalancePolicy DEFAULT = new BalancePolicy(0.15, 0.05, 0.001, 4);

    public BalancePolicy {
        if (threshold < 0 || minGain <= 0 || costPerMiB < 0 || maxMoves < 1) {
            throw new IllegalArgumentException("balance policy out of range");
        }
    }

    /** The standard deviation of the hosts' loads: 0 when every host is equally loaded. */
    public static double imbalance(List<HostLoad> hosts) {
        if (hosts.isEmpty()) return 0;
        double mean = hosts.stream().mapToDouble(HostLoad::load).average().orElse(0);
        double variance = hosts.stream().mapToDouble(h -> (h.load() - mean) * (h.load() - mean)).sum() / hosts.size();
        return Math.sqrt(variance);
    }

    public Plan propose(List<HostLoad> measured, List<AffinityRule> rules) {
        List<HostLoad> hosts = new ArrayList<>(measured);
        List<Move> moves = new ArrayList<>();
        Set<String> notes = new LinkedHashSet<>();
        double before = imbalance(hosts);
        mendRules(hosts, rules, moves, notes);
        while (moves.size() < maxMoves) {
            double now = imbalance(hosts);
            if (now <= threshold) {
                notes.add(String.format(Locale.ROOT, "imbalance %.3f is within the threshold %.2f: nothing more to do", now, threshold));
                break;
            }
            Move best = bestMove(hosts, rules, now, notes);
            if (best == null) {
                notes.add(String.format(Locale.ROOT, "imbalance %.3f is above %.2f, but no move lowers it by %.2f once its cost is paid",
                        now, threshold, minGain));
                break;
            }
            hosts = apply(hosts, best.vm(), best.from(), best.to());
            moves.add(best);
        }
        return new Plan(before, imbalance(hosts), moves, new ArrayList<>(notes));
    }

    private Move bestMove(List<HostLoad> hosts, List<AffinityRule> rules, double now, Set<String> notes) {
        Move best = null;
        for (HostLoad from : hosts) {
            for (VmLoad vm : from.vms()) {
                if (vm.demand() <= 0) continue;
                for (HostLoad to : hosts) {
                    if (to == from) continue;
                    double after = imbalance(apply(hosts, vm.name(), from.name(), to.name()));
                    double gain = now - after;
                    double cost = vm.memoryBytes() / (1024.0 * 1024.0) * costPerMiB;
                    if (gain < minGain || gain - cost <= 0) continue;
                    String refusal = refusal(hosts, rules, vm, to.name());
                    if (refusal != null) {
                        notes.add("not " + vm.name() + " -> " + to.name() + ": " + refusal);
                        continue;
                    }
                    if (best == null || gain - cost > best.gain() - best.cost()) {
                        String why = String.format(Locale.ROOT, "%s is at %.0f%%, %s at %.0f%%; its %.2f CPU takes the imbalance %.3f -> %.3f"
                                        + " (gain %.3f, cost %.3f for %d MiB)", from.name(), from.load() * 100, to.name(), to.load() * 100,
                                vm.demand(), now, after, gain, cost, vm.memoryBytes() >> 20);
                        best = new Move(vm.name(), from.name(), to.name(), now, after, cost, why);
                    }
                }
            }
        }
        return best;
    }

    /** Why {@code vm} may not go to {@code host}, or null: its placement, its cooling-off, or a rule. */
    private static String refusal(List<HostLoad> hosts, List<AffinityRule> rules, VmLoad vm, String host) {
        if (!vm.mayRunOn(host)) return "its placement allows only " + String.join(", ", vm.allowedHosts());
        if (vm.cooling()) return "it moved a short while ago (no ping-pong)";
        for (AffinityRule rule : rules) {
            if (!rule.concerns(vm.name())) continue;
            String otherAt = hostOf(hosts, rule.other(vm.name()));
            if (otherAt == null) continue;
            if (rule instanceof AffinityRule.Apart && otherAt.equals(host)) return "rule '" + rule.describe() + "'";
            if (rule instanceof AffinityRule.Together && !otherAt.equals(host)) return "rule '" + rule.describe() + "'";
        }
        return null;
    }

    private void mendRules(List<HostLoad> hosts, List<AffinityRule> rules, List<Move> moves, Set<String> notes) {
        for (AffinityRule rule : rules) {
            String atA = hostOf(hosts, rule.a());
            String atB = hostOf(hosts, rule.b());
            if (atA == null || atB == null) {
                notes.add("rule '" + rule.describe() + "': " + (atA == null ? rule.a() : rule.b()) + " is on no host");
                continue;
            }
            boolean broken = rule instanceof AffinityRule.Together ? !atA.equals(atB) : atA.equals(atB);
            if (!broken || moves.size() >= maxMoves) continue;
            Move mend = mend(hosts, rules, rule, rule.b(), atB, atA);
            if (mend == null) mend = mend(hosts, rules, rule, rule.a(), atA, atB);
            if (mend == null) {
                notes.add("rule '" + rule.describe() + "' is broken and no move mends it (placement or other rules)");
                continue;
            }
            List<HostLoad> mended = apply(hosts, mend.vm(), mend.from(), mend.to());
            hosts.clear();
            hosts.addAll(mended);
            moves.add(mend);
        }
    }

    /** Moves {@code vm} (on {@code at}) to mend {@code rule}: next to its partner on {@code partnerAt}, or away to the least loaded host. */
    private Move mend(List<HostLoad> hosts, List<AffinityRule> rules, AffinityRule rule, String vm, String at, String partnerAt) {
        VmLoad load = vmLoad(hosts, vm);
        double now = imbalance(hosts);
        List<HostLoad> candidates = hosts.stream().filter(h -> !h.name().equals(at))
                .filter(h -> rule instanceof AffinityRule.Apart || h.name().equals(partnerAt))
                .sorted(java.util.Comparator.comparingDouble(HostLoad::load)).toList();
        for (HostLoad to : candidates) {
            VmLoad anyTime = new VmLoad(load.name(), load.demand(), load.memoryBytes(), load.allowedHosts(), false);
            if (refusal(hosts, rules, anyTime, to.name()) != null) continue;
            double after = imbalance(apply(hosts, vm, at, to.name()));
            double cost = load.memoryBytes() / (1024.0 * 1024.0) * costPerMiB;
            return new Move(vm, at, to.name(), now, after, cost, "mends rule '" + rule.describe() + "'"
                    + String.format(Locale.ROOT, " (imbalance %.3f -> %.3f)", now, after));
        }
        return null;
    }

    private static String hostOf(List<HostLoad> hosts, String vm) {
        for (HostLoad h : hosts) {
            for (VmLoad v : h.vms()) {
                if (v.name().equals(vm)) return h.name();
            }
        }
        return null;
    }

    private static VmLoad vmLoad(List<HostLoad> hosts, String vm) {
        return hosts.stream().flatMap(h -> h.vms().stream()).filter(v -> v.name().equals(vm)).findFirst().orElseThrow();
    }

    /** The hosts as they would be with {@code vm} moved; the moved VM cools off. */
    static List<HostLoad> apply(List<HostLoad> hosts, String vm, String from, String to) {
        VmLoad moving = vmLoad(hosts, vm);
        VmLoad moved = new VmLoad(moving.name(), moving.demand(), moving.memoryBytes(), moving.allowedHosts(), true);
        Map<String, HostLoad> out = new LinkedHashMap<>();
        for (HostLoad h : hosts) {
            List<VmLoad> vms = new ArrayList<>(h.vms());
            if (h.name().equals(from)) vms.removeIf(v -> v.name().equals(vm));
            if (h.name().equals(to)) vms.add(moved);
            out.put(h.name(), new HostLoad(h.name(), h.capacity(), vms));
        }
        return new ArrayList<>(out.values());
    }
}
