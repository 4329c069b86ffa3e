package hvlab.tui.script;

import hvlab.tui.ExitStatus;
import hvlab.tui.language.Interpreter;
import hvlab.tui.language.Outcome;
import hvlab.tui.language.Place;
import hvlab.tui.language.Session;
import hvlab.tui.language.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A file of management-language commands, one a line: {@code #} starts a comment, blank lines are
 * ignored, and the first line that fails stops the script, named as compilers name an error
 * ({@code fair-shares.hv:12: expect failed: ...}) so an editor can jump to it.
 *
 * <p>Before the first line runs, every line is parsed: a typo on line 40 is reported before lines
 * 1 to 39 have started VMs that would then be left running. Only what needs the host (does the VM
 * exist? is the share right?) is found while running.
 */
public final class Script {
    private final String name;
    private final List<String> lines;

    /**
     * @param name what messages call the script: the path as the user typed it, or "stdin"
     */
    public Script(String name, String text) {
        this.name = name;
        this.lines = text.lines().toList();
    }

    public static Script read(Path file) throws IOException {
        return new Script(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * A script shipped with hvlab ({@code tui/src/main/resources/scripts/NAME.hv}), by name, as
     * {@code hv run hello} finds a built-in guest: {@code hv script fair-shares}.
     */
    public static Optional<Script> builtIn(String name) throws IOException {
        String file = name.endsWith(".hv") ? name : name + ".hv";
        if (file.contains("/")) {
            return Optional.empty();
        }
        try (InputStream in = Script.class.getResourceAsStream("/scripts/" + file)) {
            return in == null ? Optional.empty() : Optional.of(new Script(file, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    public String name() {
        return name;
    }

    /**
     * How a script ended.
     *
     * @param line  the line that failed (1 for the first), or 0 when none did
     * @param error "name:line: message", or null
     */
    public record Result(int status, int line, String error) {
        public boolean ok() {
            return status == ExitStatus.OK;
        }
    }

    /** Parses every line without running any: the first line written wrong, or a Result that is ok. */
    public Result check() {
        for (int i = 0; i < lines.size(); i++) {
            Outcome checked = Interpreter.check(lines.get(i), Place.SCRIPT);
            if (!checked.ok()) {
                return failed(i + 1, checked);
            }
        }
        return new Result(ExitStatus.OK, 0, null);
    }

    /**
     * Checks every line, then runs them in order with {@code interpreter} until one fails or a
     * {@code quit} ends the script.
     *
     * @param out   receives each command's output when the command ends
     * @param trace receives each line just before it runs ("fair-shares.hv:12: vm start w1"), or ignores it
     */
    public Result run(Interpreter interpreter, Consumer<String> out, Consumer<String> trace) {
        Result checked = check();
        if (!checked.ok()) {
            return checked;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (Tokenizer.split(line).isEmpty()) {
                continue; // blank, or only a comment (every line split cleanly when it was checked)
            }
            trace.accept(where(i + 1) + line.strip());
            Session session = new Session("script " + name + ":" + (i + 1), out, () -> false);
            Outcome outcome = interpreter.execute(line, session);
            if (!outcome.text().isEmpty()) {
                out.accept(outcome.text().stripTrailing());
            }
            if (!outcome.ok()) {
                return failed(i + 1, outcome);
            }
            if (outcome.quit()) {
                break;
            }
        }
        return new Result(ExitStatus.OK, 0, null);
    }

    private String where(int line) {
        return name + ":" + line + ": ";
    }

    /** A script is the input here, so a line written wrong is bad input (65), not a bad hv command line (64). */
    private Result failed(int line, Outcome outcome) {
        int status = outcome.status() == ExitStatus.USAGE ? ExitStatus.BAD_INPUT : outcome.status();
        return new Result(status, line, where(line) + outcome.error());
    }
}
