package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * {@code expect fails COMMAND...}: runs a command that must fail, such as a detector that must
 * fire ({@code expect fails vmi lies os}) or a command a role may not give; passes with the
 * command's own message, and fails when the command succeeds. The command is checked, run,
 * permitted and logged as if it stood on a line of its own.
 */
@Command(name = "fails", description = "Run COMMAND, which must fail (status non-zero); show what it said.")
final class ExpectFails implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "COMMAND", description = "the command, as on a line of its own")
    List<String> words;

    @Override
    public String refusal(Place place) {
        Outcome checked = Interpreter.check(words, place);
        return checked.ok() ? null : words.getFirst() + ": " + checked.error();
    }

    @Override
    public Reply run(Context context) {
        String line = String.join(" ", words);
        Outcome inner = context.interpreter().executeNested(words, context.session());
        if (inner.ok()) {
            throw CommandFailure.failed("expect failed: '" + line + "' succeeded" + (inner.text().isBlank() ? "" : ":\n" + inner.text()));
        }
        String said = (inner.text().isBlank() ? "" : inner.text().stripTrailing() + "\n") + inner.error();
        return new Reply(new ExpectCommand.Check("fails", line, true, inner.error(), "failure"),
                "ok: '" + line + "' failed as expected:\n" + said);
    }
}
