package hvlab.tui.classroom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The autograder proved right (issue: the classroom): each reference solution passes, each untouched starting point fails. */
class ExerciseTest {
    @TempDir
    Path dir;

    static List<String> exercises() {
        return ExerciseCatalog.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exercises")
    void theReferenceSolutionPassesAndTheStartingPointFails(String name) throws Exception {
        Exercise exercise = ExerciseCatalog.load(name);
        assertFalse(exercise.statement().isBlank());
        assertFalse(exercise.hints().isEmpty());
        assertNotNull(exercise.grader(), "a grader for " + name);

        Path solution = copy(exercise, "solution");
        List<Check> solved = exercise.grader().grade(solution);
        assertTrue(solved.stream().allMatch(Check::passed), "the reference solution fails: " + solved);

        Path start = copy(exercise, "start");
        List<Check> started = exercise.grader().grade(start);
        assertTrue(started.stream().anyMatch(c -> !c.passed()), "the starting point passes already: " + started);
    }

    @Test
    void checkPrintsAScoreAndFailsWithStatusOneUntilDone() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExerciseCommand start = command(out, "start", "chain-verifier");
        assertEquals(0, start.call());
        ExerciseCommand check = command(out, "check", "chain-verifier");
        assertEquals(1, check.call());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("FAIL a deleted record") && text.contains("score: 3/8"), text);
        assertThrows(hvlab.tui.UsageException.class, () -> command(out, "start", "chain-verifier").call(),
                "a second start must not overwrite the student's work");
        assertThrows(hvlab.tui.UsageException.class, () -> command(out, "check", "no-such-exercise").call());
    }

    @Test
    void aCompileErrorIsAFailedCheckWithTheCompilersMessage() throws Exception {
        Files.writeString(dir.resolve("ChainVerifier.java"), "public final class ChainVerifier { int x = ; }");
        List<Check> checks = ExerciseCatalog.load("chain-verifier").grader().grade(dir);
        assertEquals(1, checks.size());
        assertFalse(checks.getFirst().passed());
        assertTrue(checks.getFirst().detail().contains("error"), checks.getFirst().detail());
    }

    private ExerciseCommand command(ByteArrayOutputStream out, String action, String name) {
        ExerciseCommand command = new ExerciseCommand(new PrintStream(out, true, StandardCharsets.UTF_8));
        command.action = action;
        command.name = name;
        command.dir = dir.resolve("work");
        return command;
    }

    private Path copy(Exercise exercise, String which) throws Exception {
        Path target = Files.createDirectories(dir.resolve(exercise.name() + "-" + which));
        for (String file : exercise.files()) {
            Files.write(target.resolve(file), ExerciseCatalog.file(exercise, which, file));
        }
        return target;
    }
}
