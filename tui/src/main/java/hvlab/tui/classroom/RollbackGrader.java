package hvlab.tui.classroom;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A guest that notices its rollback (IV.E.3): run on a real host with its vTPM, snapshotted,
 * reverted twice; it must say "rollback detected" after each revert, and never otherwise.
 */
final class RollbackGrader implements Grader {
    private static final String SAID = "rollback detected";

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        GuestRuns.Built built = GuestRuns.assemble(work, "rollback.asm");
        checks.add(Check.of("rollback.asm assembles", built.error() == null, built.error()));
        if (built.error() != null) {
            return checks;
        }
        try (Host host = Host.temporary("grader", 1)) {
            host.create(new VmSpec("student", work.resolve("rollback.asm").toString(), "4M", null, VmSpec.DEFAULT_WEIGHT, 0, null));
            host.act("student", PowerAction.START, "grader");
            boolean ticks = await(10_000, () -> console(host).contains("tick 2"));
            checks.add(Check.of("it ticks (once a second of its virtual time)", ticks, "after 10 s it printed: " + Sources.quote(console(host))));
            if (!ticks) return checks;
            checks.add(Check.of("no false alarm while nothing happens", !console(host).contains(SAID), Sources.quote(console(host))));
            for (int round = 1; round <= 2; round++) {
                int before = occurrences(console(host));
                host.snapshot("student", "s" + round, "grader");
                Thread.sleep(1_500);
                host.revert("student", "s" + round, "grader");
                int wanted = before + 1;
                boolean noticed = await(5_000, () -> occurrences(console(host)) >= wanted);
                checks.add(Check.of("revert " + round + ": it says '" + SAID + "' within 5 s", noticed,
                        "it printed: " + Sources.quote(tail(console(host)))));
            }
            int after = occurrences(console(host));
            Thread.sleep(2_500);
            checks.add(Check.of("after a detection it carries on without crying wolf", occurrences(console(host)) == after
                    && console(host).lines().filter(l -> l.startsWith("tick")).count() >= 3, "it printed: " + Sources.quote(tail(console(host)))));
        } catch (HostException e) {
            checks.add(Check.of("it runs on a host", false, e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            checks.add(Check.of("it runs on a host", false, "interrupted"));
        }
        return checks;
    }

    private static String console(Host host) {
        return host.console("student", 0).text();
    }

    private static int occurrences(String text) {
        return (int) text.lines().filter(l -> l.contains(SAID)).count();
    }

    private static String tail(String text) {
        return text.length() > 160 ? text.substring(text.length() - 160) : text;
    }

    private static boolean await(long millis, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
