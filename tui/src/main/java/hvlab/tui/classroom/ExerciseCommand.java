package hvlab.tui.classroom;

import hvlab.tui.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hv exercise list | show NAME | start NAME | hint NAME | check NAME}: the classroom's
 * exercises, in the manner of MIT's xv6 labs: a statement, a starting point copied into a work
 * folder, hints one at a time, and hidden checks with a score. {@code check} exits non-zero when
 * any check fails, so a course can run it in its own CI.
 */
@Command(name = "exercise", mixinStandardHelpOptions = true,
        description = {"Classroom exercises with hidden checks.",
                "  hv exercise list                    the exercises",
                "  hv exercise show NAME               what to build, and what done means",
                "  hv exercise start NAME [--dir D]    copy the starting files into a work folder",
                "  hv exercise hint NAME [--dir D]     the next hint",
                "  hv exercise check NAME [--dir D]    build your work and run the hidden checks (status 1 if any fails)",
                "The work folder defaults to ./hvlab-exercises/NAME."})
public final class ExerciseCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ACTION", description = "list, show, start, hint or check")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "the exercise")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", description = "the work folder (default ./hvlab-exercises/NAME)")
    Path dir;

    @Option(names = "--solution", hidden = true, description = "start from the reference solution (for the course's own CI)")
    boolean solution;

    private final PrintStream out;

    public ExerciseCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        if (action.equals("list")) {
            for (String n : ExerciseCatalog.names()) {
                Exercise e = ExerciseCatalog.load(n);
                out.printf("%-16s %-6s %s (%s)%n", n, e.kind(), e.title(), e.paper());
            }
            return 0;
        }
        if (name == null) {
            throw new UsageException("'hv exercise " + action + "' needs the exercise's NAME (see 'hv exercise list')");
        }
        Exercise exercise;
        try {
            exercise = ExerciseCatalog.load(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path work = hvlab.tui.CallerPaths.resolve(dir != null ? dir : Path.of("hvlab-exercises", name));
        return switch (action) {
            case "show" -> show(exercise);
            case "start" -> start(exercise, work);
            case "hint" -> hint(exercise, work);
            case "check" -> check(exercise, work);
            default -> throw new UsageException("unknown action '" + action + "': list, show, start, hint or check");
        };
    }

    private int show(Exercise e) {
        out.println(e.title() + " (" + e.kind() + " exercise; paper: " + e.paper() + ")");
        out.println();
        out.println(e.statement());
        out.println();
        out.println("files: " + String.join(", ", e.files()) + "; " + e.hints().size() + " hints ('hv exercise hint " + e.name() + "')");
        return 0;
    }

    private int start(Exercise e, Path work) throws IOException {
        Files.createDirectories(work);
        for (String file : e.files()) {
            Path target = work.resolve(file);
            if (Files.exists(target) && !solution) {
                throw new UsageException(target + " exists already: your work is kept (use another --dir to start afresh)");
            }
            Files.write(target, ExerciseCatalog.file(e, solution ? "solution" : "start", file));
        }
        out.println("started " + e.name() + " in " + work.toAbsolutePath() + ": edit " + String.join(", ", e.files())
                + ", then 'hv exercise check " + e.name() + (dir != null ? " --dir " + dir : "") + "'");
        return 0;
    }

    private int hint(Exercise e, Path work) throws IOException {
        Path seen = work.resolve(".hints-seen");
        int next = Files.exists(seen) ? Integer.parseInt(Files.readString(seen).strip()) : 0;
        if (next >= e.hints().size()) {
            out.println("no more hints: all " + e.hints().size() + " shown. 'hv exercise show " + e.name() + "' has the statement.");
            return 0;
        }
        out.println("hint " + (next + 1) + " of " + e.hints().size() + ":");
        out.println(e.hints().get(next));
        if (Files.isDirectory(work)) {
            Files.writeString(seen, Integer.toString(next + 1));
        }
        return 0;
    }

    private int check(Exercise e, Path work) {
        if (!Files.isDirectory(work)) {
            throw new UsageException("no work folder " + work + ": 'hv exercise start " + e.name() + "' makes one");
        }
        List<Check> checks = e.grader().grade(work);
        int passed = 0;
        for (Check c : checks) {
            out.println((c.passed() ? "PASS " : "FAIL ") + c.name() + (c.passed() || c.detail().isEmpty() ? "" : ": " + c.detail()));
            passed += c.passed() ? 1 : 0;
        }
        out.printf("score: %d/%d%s%n", passed, checks.size(), passed == checks.size() ? " (done)" : "");
        return passed == checks.size() ? 0 : 1;
    }
}
