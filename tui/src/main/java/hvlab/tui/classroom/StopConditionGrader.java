package hvlab.tui.classroom;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Pre-copy's stop condition (Clark et al., NSDI 2005): small enough, out of rounds, or not converging. */
final class StopConditionGrader implements Grader {
    private record Case(String name, int round, long dirty, long dirtyRate, long linkRate, int maxRounds, long small,
                        boolean stop) {}

    private static final List<Case> CASES = List.of(
            new Case("a large dirty set early on: go on copying", 1, 50_000, 1_000, 100_000, 30, 256, false),
            new Case("the dirty set is small enough", 3, 200, 1_000, 100_000, 30, 256, true),
            new Case("exactly small enough", 3, 256, 1_000, 100_000, 30, 256, true),
            new Case("out of rounds", 30, 10_000, 1_000, 100_000, 30, 256, true),
            new Case("dirtying faster than the link sends", 2, 80_000, 200_000, 100_000, 30, 256, true),
            new Case("dirtying exactly as fast as the link", 2, 80_000, 100_000, 100_000, 30, 256, true),
            new Case("one round before the limit, still converging", 29, 10_000, 1_000, 100_000, 30, 256, false));

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        Method stop;
        try {
            stop = StudentJava.method(StudentJava.compile(work, "StopCondition"), "stopAndCopy", int.class, long.class,
                    long.class, long.class, int.class, long.class);
        } catch (IllegalStateException e) {
            checks.add(Check.of("StopCondition.java compiles", false, e.getMessage()));
            return checks;
        }
        checks.add(Check.pass("StopCondition.java compiles"));
        for (Case c : CASES) {
            String title = c.name() + (c.stop() ? ": stop and copy" : ": another round");
            try {
                Object got = StudentJava.call(stop, c.round(), c.dirty(), c.dirtyRate(), c.linkRate(), c.maxRounds(), c.small());
                checks.add(Check.of(title, Boolean.valueOf(c.stop()).equals(got), "your condition said " + got));
            } catch (StudentJava.NoAnswer e) {
                checks.add(Check.of(title, false, "your condition " + e.getMessage()));
            }
        }
        return checks;
    }
}
