package hvlab.tui.language;

import org.jline.reader.EOFError;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;
import org.jline.reader.impl.DefaultParser;

import java.util.List;

/**
 * Splits a command line into words the way a shell does: spaces separate words, {@code "..."} and
 * {@code '...'} keep spaces inside one word, a backslash escapes the next character, and {@code #}
 * outside quotes starts a comment that runs to the end of the line.
 *
 * <p>We do not write this by hand: JLine's {@link DefaultParser} already does it, and the
 * interactive shell uses the very same parser for editing and completion, so what you see
 * completed is what runs. Two of its habits to know: an empty quoted word ({@code ""}) is
 * dropped, and a {@code #} inside a word ({@code a#b}) also starts a comment.
 */
public final class Tokenizer {
    private Tokenizer() {}

    /** A parser configured as the language wants it; a fresh one each time (it is cheap). */
    public static DefaultParser parser() {
        DefaultParser parser = new DefaultParser();
        parser.setEofOnUnclosedQuote(true);
        parser.setEofOnEscapedNewLine(true);
        parser.lineCommentDelims(new String[] {"#"});
        return parser;
    }

    /** The words of {@code line}; an empty list for a blank line or a comment. */
    public static List<String> split(String line) {
        try {
            // Cursor 0: JLine adds an empty "word being typed" at the cursor; at 0 it adds none at the
            // end of the line. Only an empty line still comes back as one empty word.
            return parser().parse(line, 0, Parser.ParseContext.ACCEPT_LINE).words().stream()
                    .filter(word -> !word.isEmpty())
                    .toList();
        } catch (EOFError e) {
            throw CommandFailure.usage(explain(e.getMessage()));
        } catch (SyntaxError e) {
            throw CommandFailure.usage("cannot split the line: " + e.getMessage());
        }
    }

    private static String explain(String jline) {
        return switch (jline == null ? "" : jline) {
            case "Missing closing quote" -> "a quote is not closed";
            case "Escaped new line" -> "the line ends with a backslash";
            default -> "the line is not complete: " + jline;
        };
    }
}
