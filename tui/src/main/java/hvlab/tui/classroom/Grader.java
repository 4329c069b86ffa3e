package hvlab.tui.classroom;

import java.nio.file.Path;
import java.util.List;

/**
 * The hidden checks of one exercise, run on a student's work folder: the way MIT's xv6 labs run
 * `make grade`. A grader builds the student's files itself (NASM, javac) and runs them on the real
 * machinery (the VMM, the bare reference CPU); a build error is a failed check with the tool's
 * own message, never an exception.
 */
public interface Grader {
    List<Check> grade(Path work);
}
