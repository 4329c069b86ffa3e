package hvlab.tui.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * Tab on the UI's command line, as in {@code hv shell}: the word being typed is completed from
 * what may stand there (command words, options, VM and guest names: the shell's suggestions).
 * One candidate completes the word and adds a space; several extend it as far as they agree and
 * are listed, so the next keys can choose.
 *
 * @param line       the command line after Tab
 * @param candidates what the word could become, when there was more than one (else empty)
 */
record Completion(String line, List<String> candidates) {

    /** {@code suggest}: what may follow the words before, given the word being typed. */
    static Completion of(String line, BiFunction<List<String>, String, Stream<String>> suggest) {
        int start = line.lastIndexOf(' ') + 1;
        String typing = line.substring(start);
        String head = line.substring(0, start).strip();
        List<String> before = head.isEmpty() ? List.of() : List.of(head.split("\\s+"));
        List<String> fitting = new ArrayList<>(suggest.apply(before, typing)
                .filter(s -> s.startsWith(typing)).distinct().sorted().toList());
        if (fitting.isEmpty()) {
            return new Completion(line, List.of());
        }
        if (fitting.size() == 1) {
            return new Completion(line.substring(0, start) + fitting.getFirst() + " ", List.of());
        }
        return new Completion(line.substring(0, start) + commonPrefix(fitting), fitting);
    }

    private static String commonPrefix(List<String> words) {
        String prefix = words.getFirst();
        for (String w : words) {
            int n = 0;
            while (n < prefix.length() && n < w.length() && prefix.charAt(n) == w.charAt(n)) n++;
            prefix = prefix.substring(0, n);
        }
        return prefix;
    }
}
