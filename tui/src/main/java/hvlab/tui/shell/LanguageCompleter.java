package hvlab.tui.shell;

import hvlab.tui.language.Language;
import hvlab.vmm.host.HostControl;
import hvlab.vmm.host.VmInfo;
import hvlab.vmm.host.VmLifecycle;
import hvlab.vmm.image.GuestImages;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Tab completion for the shell, read off the same picocli commands the interpreter runs: command
 * words, then each command's options, and for arguments what can go there: VM names from the
 * host (asked afresh on every Tab, so a VM created a moment ago completes), built-in guests
 * after {@code --guest}, state names after {@code --state}. JLine shows only the candidates that
 * start with what has been typed, so we offer everything that fits the position. The terminal
 * UI's command line (':') completes with the same suggestions.
 */
public final class LanguageCompleter implements Completer {
    private final HostControl host;

    public LanguageCompleter(HostControl host) {
        this.host = host;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> before = line.words().subList(0, line.wordIndex());
        suggestions(before, line.word()).distinct().map(Candidate::new).forEach(candidates::add);
    }

    /** What may come after the words {@code before}, when the word being typed is {@code typing}. */
    public Stream<String> suggestions(List<String> before, String typing) {
        Map<String, CommandLine> top = Language.commands();
        // "help vm cr<Tab>" completes command words just as "vm cr<Tab>" does.
        boolean help = !before.isEmpty() && before.getFirst().equals("help");
        List<String> path = help ? before.subList(1, before.size()) : before;
        if (path.isEmpty()) {
            return top.keySet().stream();
        }
        CommandLine command = top.get(path.getFirst());
        int i = 1;
        while (command != null && i < path.size() && command.getSubcommands().containsKey(path.get(i))) {
            command = command.getSubcommands().get(path.get(i++));
        }
        if (command == null) {
            return Stream.empty();
        }
        if (!command.getSubcommands().isEmpty()) {
            return i == path.size() ? command.getSubcommands().keySet().stream() : Stream.empty();
        }
        return help ? Stream.empty() : arguments(command.getCommandSpec(), path.subList(i, path.size()), typing);
    }

    /** Options when an option is being typed; otherwise what the next positional parameter takes. */
    private Stream<String> arguments(CommandSpec spec, List<String> args, String typing) {
        if (!args.isEmpty()) {
            OptionSpec previous = spec.findOption(args.getLast());
            if (previous != null && previous.arity().min() > 0) {
                return valuesOf(previous.paramLabel());
            }
        }
        Stream<String> options = spec.options().stream()
                .flatMap(o -> Arrays.stream(o.names()))
                .filter(name -> name.startsWith("--"));
        if (typing.startsWith("-")) {
            return options;
        }
        int index = positionalsSoFar(spec, args);
        return spec.positionalParameters().stream()
                .filter(p -> p.index().contains(index))
                .map(PositionalParamSpec::paramLabel)
                .flatMap(this::valuesOf);
    }

    /** How many positional arguments {@code args} holds, skipping options and their values. */
    private static int positionalsSoFar(CommandSpec spec, List<String> args) {
        int count = 0;
        for (int i = 0; i < args.size(); i++) {
            OptionSpec option = spec.findOption(args.get(i));
            if (option != null) {
                i += option.arity().min() > 0 ? 1 : 0;
            } else {
                count++;
            }
        }
        return count;
    }

    /** The values that can stand for a parameter label, where we know them. */
    private Stream<String> valuesOf(String label) {
        return switch (label) {
            case "NAME" -> host.list().stream().map(VmInfo::name);
            case "G" -> GuestImages.builtInNames().stream();
            case "S" -> Arrays.stream(VmLifecycle.values()).map(VmLifecycle::label);
            case "M" -> Stream.of("trap", "bt", "paravirt");
            case "contains" -> Stream.of("contains");
            default -> Stream.empty();
        };
    }
}
