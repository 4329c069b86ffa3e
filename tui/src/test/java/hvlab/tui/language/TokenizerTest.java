package hvlab.tui.language;

import hvlab.tui.ExitStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Lines split as a shell splits them (quotes, escapes, comments), with one-line errors. */
class TokenizerTest {

    @Test
    void spacesSeparateWords() {
        assertEquals(List.of("vm", "create", "w1", "--guest", "spinner"), Tokenizer.split("  vm create  w1 --guest\tspinner "));
    }

    @Test
    void quotesKeepSpacesInsideOneWord() {
        assertEquals(List.of("expect", "console", "c1", "contains", "tick 5"), Tokenizer.split("expect console c1 contains \"tick 5\""));
        assertEquals(List.of("vm", "send", "t1", "it's here"), Tokenizer.split("vm send t1 \"it's here\""));
        assertEquals(List.of("vm", "send", "t1", "say \"hi\""), Tokenizer.split("vm send t1 'say \"hi\"'"));
    }

    @Test
    void backslashEscapesOneCharacter() {
        assertEquals(List.of("vm", "send", "t1", "a b"), Tokenizer.split("vm send t1 a\\ b"));
        assertEquals(List.of("x", "say \"hi\""), Tokenizer.split("x \"say \\\"hi\\\"\""));
    }

    @Test
    void hashStartsACommentOutsideQuotes() {
        assertEquals(List.of("vm", "list"), Tokenizer.split("vm list   # what is there"));
        assertEquals(List.of("vm", "send", "t1", "a # b"), Tokenizer.split("vm send t1 \"a # b\" # typed"));
        assertEquals(List.of(), Tokenizer.split("# a whole line of comment"));
        assertEquals(List.of(), Tokenizer.split("   "));
        assertEquals(List.of(), Tokenizer.split(""));
    }

    @Test
    void unclosedQuoteIsAUsageError() {
        CommandFailure e = assertThrows(CommandFailure.class, () -> Tokenizer.split("vm send t1 \"hello"));
        assertEquals("a quote is not closed", e.getMessage());
        assertEquals(ExitStatus.USAGE, e.status());
    }

    @Test
    void trailingBackslashIsAUsageError() {
        assertEquals("the line ends with a backslash", assertThrows(CommandFailure.class, () -> Tokenizer.split("vm list \\")).getMessage());
    }
}
