package hvlab.tui.classroom;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Livewire's lie detector: introspection's process table against the guest's own ps. */
final class LieDetectorGrader implements Grader {
    private static final List<String> TABLE = List.of("1 init", "2 sh", "5 loop", "7 secret-miner", "9 ps");

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        Method hidden;
        try {
            hidden = StudentJava.method(StudentJava.compile(work, "LieDetector"), "hidden", List.class, String.class);
        } catch (IllegalStateException e) {
            checks.add(Check.of("LieDetector.java compiles", false, e.getMessage()));
            return checks;
        }
        checks.add(Check.pass("LieDetector.java compiles"));
        String honest = "PID STATE NAME\n1 sleeping init\n2 waiting sh\n5 running loop\n7 running secret-miner\n9 running ps\n";
        checks.add(expect(hidden, "an honest ps", TABLE, honest, List.of()));
        String lying = "PID STATE NAME\n1 sleeping init\n2 waiting sh\n5 running loop\n9 running ps\n";
        checks.add(expect(hidden, "a rootkit hides one process", TABLE, lying, List.of("secret-miner")));
        String twoHidden = "  PID  NAME\n    1  init\n\n    9  ps\nps: 2 processes\n";
        checks.add(expect(hidden, "two hidden, odd spacing, a blank line and a summary line", TABLE, twoHidden,
                List.of("sh", "loop", "secret-miner")));
        checks.add(expect(hidden, "ps printed nothing but its header", List.of("1 init"), "PID NAME\n", List.of("init")));
        String sameName = "PID NAME\n1 init\n2 sh\n";
        checks.add(expect(hidden, "a second process with a listed name is still hidden (match by PID)",
                List.of("1 init", "2 sh", "3 sh"), sameName, List.of("sh")));
        return checks;
    }

    private static Check expect(Method hidden, String name, List<String> table, String ps, List<String> want) {
        try {
            Object got = StudentJava.call(hidden, table, ps);
            return Check.of(name + ": hidden " + want, want.equals(got), "your detector said " + got);
        } catch (StudentJava.NoAnswer e) {
            return Check.of(name, false, "your detector " + e.getMessage());
        }
    }
}
