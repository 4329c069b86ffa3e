package hvlab.tui.classroom;

/** One hidden check of an exercise: its name, whether the student's work passed it, and what was seen. */
public record Check(String name, boolean passed, String detail) {
    static Check pass(String name) {
        return new Check(name, true, "");
    }

    static Check of(String name, boolean passed, String detail) {
        return new Check(name, passed, passed ? "" : detail);
    }
}
