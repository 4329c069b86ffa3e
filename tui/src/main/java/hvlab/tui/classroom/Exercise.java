package hvlab.tui.classroom;

import java.util.List;

/**
 * A classroom exercise, as shipped in {@code resources/exercises/NAME/}: {@code exercise.txt}
 * (a header of {@code key: value} lines, a blank line, then the statement), {@code hints.txt}
 * (hints separated by blank lines, given one at a time), {@code start/} (the files a student
 * begins with), {@code solution/} (the reference solution, which CI proves passes).
 *
 * @param paper the paper's section the exercise is about
 * @param kind  guest (NASM or C against the guest ABI) or vmm (Java against a small interface)
 * @param files the files a student edits, by name (the same names in start/ and solution/)
 */
public record Exercise(String name, String title, String paper, String kind, String statement, List<String> hints,
                       List<String> files, Grader grader) {
}
