package hvlab.vmmm.balance;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The balancer's decisions on made-up datacenters: what it moves, what it leaves, and why. */
class BalancePolicyTest {
    static final long MIB = 1 << 20;
    final BalancePolicy policy = BalancePolicy.DEFAULT;

    static VmLoad vm(String name, double demand) {
        return new VmLoad(name, demand, 2 * MIB, List.of(), false);
    }

    static HostLoad host(String name, VmLoad... vms) {
        return new HostLoad(name, 1, List.of(vms));
    }

    @Test
    void imbalanceIsTheStandardDeviationOfHostLoads() {
        assertEquals(0, BalancePolicy.imbalance(List.of(host("h1", vm("a", .5)), host("h2", vm("b", .5)))), 1e-9);
        assertEquals(0.5, BalancePolicy.imbalance(List.of(host("h1", vm("a", 1)), host("h2"))), 1e-9);
        assertEquals(0.25, new HostLoad("big", 4, List.of(vm("a", 1))).load(), 1e-9);
    }

    @Test
    void threeBusyVmsOnOneHostAreSpreadOverThree() {
        Plan plan = policy.propose(List.of(host("h1", vm("a", .33), vm("b", .33), vm("c", .33)), host("h2"), host("h3")), List.of());
        assertEquals(2, plan.moves().size(), plan.explain().toString());
        assertNotEquals(plan.moves().get(0).to(), plan.moves().get(1).to());
        assertTrue(plan.imbalanceAfter() < 0.01, plan.explain().toString());
        assertTrue(plan.moves().get(0).why().contains("imbalance 0.467 -> 0.2"), plan.moves().get(0).why());
    }

    @Test
    void aBalancedDatacenterStaysPutAndSaysWhy() {
        Plan plan = policy.propose(List.of(host("h1", vm("a", .9)), host("h2", vm("b", .8)), host("h3", vm("c", 1.0))), List.of());
        assertEquals(List.of(), plan.moves());
        assertTrue(plan.notes().getFirst().contains("within the threshold"), plan.notes().toString());
    }

    @Test
    void noPingPongAVmMovedEvenlyCannotComeBack() {
        // one busy VM, two hosts: moving it only moves the imbalance, so it gains nothing
        Plan plan = policy.propose(List.of(host("h1", vm("a", 1)), host("h2")), List.of());
        assertEquals(List.of(), plan.moves());
        // two plans in a row over the result of the first never undo each other
        List<HostLoad> hosts = List.of(host("h1", vm("a", .5), vm("b", .5), vm("c", .4)), host("h2", vm("d", .1)));
        Plan first = policy.propose(hosts, List.of());
        assertEquals(1, first.moves().size());
        List<HostLoad> after = BalancePolicy.apply(hosts, first.moves().get(0).vm(), first.moves().get(0).from(), first.moves().get(0).to());
        List<HostLoad> measuredAgain = new ArrayList<>();
        for (HostLoad h : after) { // measured afresh: nobody is cooling any more
            measuredAgain.add(new HostLoad(h.name(), h.capacity(), h.vms().stream().map(v -> vm(v.name(), v.demand())).toList()));
        }
        assertEquals(List.of(), policy.propose(measuredAgain, List.of()).moves());
    }

    @Test
    void aBigVmMustGainMoreThanItCostsToCopy() {
        VmLoad huge = new VmLoad("huge", .5, 1024 * MIB, List.of(), false);
        Plan plan = policy.propose(List.of(host("h1", huge, vm("a", .4)), host("h2")), List.of());
        assertEquals(List.of("a"), plan.moves().stream().map(Move::vm).toList(), plan.explain().toString());
    }

    @Test
    void placementAndCoolingOffAreRespectedAndNamed() {
        VmLoad pinned = new VmLoad("pinned", .5, MIB, List.of("h1"), false);
        VmLoad cooling = new VmLoad("cool", .5, MIB, List.of(), true);
        Plan plan = policy.propose(List.of(host("h1", pinned, cooling), host("h2")), List.of());
        assertEquals(List.of(), plan.moves());
        String notes = String.join("\n", plan.notes());
        assertTrue(notes.contains("not pinned -> h2: its placement allows only h1"), notes);
        assertTrue(notes.contains("not cool -> h2: it moved a short while ago"), notes);
    }

    @Test
    void antiAffinityIsMendedFirstAndNeverBrokenByBalancing() {
        List<AffinityRule> rules = AffinityRule.parse(List.of("apart web1 web2   # two replicas", "together app db"));
        Plan plan = policy.propose(List.of(host("h1", vm("web1", .1), vm("web2", .1)), host("h2"), host("h3")), rules);
        assertEquals("web2", plan.moves().getFirst().vm());
        assertTrue(plan.moves().getFirst().why().contains("mends rule 'apart web1 web2'"));
        // balancing would split app from db: the rule forbids it
        Plan kept = policy.propose(List.of(host("h1", vm("app", .5), vm("db", .5)), host("h2")), rules);
        assertEquals(List.of(), kept.moves(), kept.explain().toString());
        assertTrue(String.join("\n", kept.notes()).contains("rule 'together app db'"));
    }

    @Test
    void badRulesAreOneClearLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> AffinityRule.parse(List.of("near a b")));
        assertEquals("rule 1 'near a b': 'near' is neither together nor apart", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AffinityRule.parse(List.of("apart a a")));
        assertThrows(IllegalArgumentException.class, () -> AffinityRule.parse(List.of("apart a")));
    }
}
