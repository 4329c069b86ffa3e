package hvlab.vmmm.balance;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.manager.Balancer;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static hvlab.vmmm.Waits.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Real balancing: three spinner guests (each keeps a CPU busy) all started on h1 of three
 * one-CPU hosts in this JVM; the manager measures them over TLS and moves them by live migration
 * until the load is even, in a bounded number of moves, and then leaves them where they are.
 */
class BalancingTest {
    @TempDir
    Path dir;

    @Test
    void badlyPlacedSpinnersAreSpreadAndThenStayPut() throws Exception {
        try (EmbeddedDatacenter dc = EmbeddedDatacenter.start(dir, 3, 1, false)) {
            Host h1 = dc.host("h1");
            for (String name : List.of("s1", "s2", "s3")) {
                h1.create(VmSpec.of(name, "spinner"));
                h1.act(name, PowerAction.START, "test");
            }
            awaitMeasured(dc);
            Balancer balancer = new Balancer(dc.manager(), BalancePolicy.DEFAULT, Duration.ZERO);
            int moves = 0;
            List<String> said = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                Plan plan = balancer.plan();
                said.addAll(plan.explain());
                if (plan.moves().isEmpty()) break;
                said.addAll(balancer.carryOut(plan, m -> { }, p -> { }));
                moves += plan.moves().size();
                awaitMeasured(dc);
            }
            System.out.println(String.join("\n", said));
            assertTrue(moves >= 2 && moves <= 4, moves + " moves:\n" + String.join("\n", said));
            for (String host : dc.hostNames()) {
                assertEquals(1, dc.host(host).list().size(), host + " has one spinner:\n" + String.join("\n", said));
            }
            // it stays put: measured again (no cooling-off to hide behind), nothing is worth moving
            Plan after = balancer.plan();
            assertEquals(List.of(), after.moves(), String.join("\n", after.explain()));
            assertTrue(after.imbalanceBefore() < BalancePolicy.DEFAULT.threshold(), String.join("\n", after.explain()));
        }
    }

    @Test
    void rulesComeFromTheDatacentersFileAndABadOneIsOneLine() throws Exception {
        Files.createDirectories(dir.resolve("dc"));
        Files.writeString(dir.resolve("dc").resolve(Balancer.RULES), "apart a b\nbeside a b\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Balancer.rules(dir.resolve("dc")));
        assertEquals("rule 2 'beside a b': 'beside' is neither together nor apart", e.getMessage());
    }

    /** Every running VM has been measured over a full window on the host it runs on now. */
    private static void awaitMeasured(EmbeddedDatacenter dc) throws InterruptedException {
        Thread.sleep(Host.MEASURING_WINDOW.toMillis() + 500);
        await(() -> dc.hostNames().stream().flatMap(h -> dc.host(h).list().stream())
                .allMatch(vm -> !vm.state().equals("running") || vm.share() > 0.05));
    }
}
