package hvlab.tui;

import hvlab.vmm.image.GuestImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code hv guests [NAME]}: list the built-in guests, or print one's NASM source. */
@Command(name = "guests", mixinStandardHelpOptions = true,
        description = "List the built-in guests, or print the source (NASM or C) of one.")
final class GuestsCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "a guest whose source to print")
    String name;

    private final PrintStream out;

    GuestsCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        if (name == null) {
            for (String guest : GuestImages.builtInNames()) {
                String about = firstLine(GuestImages.builtInSource(guest)).replaceFirst("^" + guest + ":\\s*", "");
                out.println(String.format("%-12s %s", guest, about));
            }
            return ExitStatus.OK;
        }
        String source = GuestImages.builtInSource(name);
        if (source == null) {
            throw new UsageException("no built-in guest '" + name + "' (built-in: " + String.join(", ", GuestImages.builtInNames()) + ")");
        }
        out.print(source);
        return ExitStatus.OK;
    }

    /** The first comment line of a guest's source (NASM's "; ...", or C's " * ..." under "/*") says what it teaches. */
    private static String firstLine(String source) {
        if (source == null) return "";
        return source.lines().map(String::strip).filter(l -> !l.equals("/*") && !l.isEmpty()).findFirst()
                .map(l -> l.replaceFirst("^(;|\\*)\\s*", "")).orElse("");
    }
}
