package hvlab.tui;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hv lecture FILE}: the terminal UI, playing a lecture step by step (Space: next step). */
@Command(name = "lecture", mixinStandardHelpOptions = true,
        description = {"Play a lecture in the terminal UI: each step shows its caption and runs its commands when you press Space.",
                "FILE is a lecture file or the name of a shipped one (a wrong name lists them all): deprivileging, red-pill, attestation, shadow-paging..."})
final class LectureCommand implements Callable<Integer> {
    @Mixin
    HostOptions options = new HostOptions();

    @Parameters(paramLabel = "FILE", description = "a .lecture file, or the name of a shipped lecture")
    Path file;

    private final PrintStream err;

    LectureCommand(PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        UiCommand ui = new UiCommand(err);
        ui.options = options;
        ui.lecture = file;
        return ui.call();
    }
}
