package hvlab.tui.ui;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The pure part of Tab: which word is completed, how far, and when the candidates are listed. */
class CompletionTest {
    private static Stream<String> words(List<String> before, String typing) {
        return before.isEmpty() ? Stream.of("vm", "snapshot", "snapshots-of") : Stream.of("create", "console", "clone");
    }

    @Test
    void oneCandidateCompletesTheWordAndAddsASpace() {
        assertEquals(new Completion("vm ", List.of()), Completion.of("v", CompletionTest::words));
        assertEquals(new Completion("vm create ", List.of()), Completion.of("vm cr", CompletionTest::words));
    }

    @Test
    void severalExtendAsFarAsTheyAgreeAndAreListed() {
        assertEquals(new Completion("snapshot", List.of("snapshot", "snapshots-of")), Completion.of("sn", CompletionTest::words));
        assertEquals(new Completion("vm c", List.of("clone", "console", "create")), Completion.of("vm c", CompletionTest::words));
        assertEquals(new Completion("vm co", List.of("console", "copy")), Completion.of("vm co", (b, t) -> Stream.of("console", "copy")));
    }

    @Test
    void nothingFittingLeavesTheLineAsItWas() {
        assertEquals(new Completion("vm zz", List.of()), Completion.of("vm zz", CompletionTest::words));
        assertEquals(new Completion("", List.of()), Completion.of("", (b, t) -> Stream.empty()));
    }
}
