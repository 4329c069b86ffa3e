package hvlab.tui.language;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code help [COMMAND]}: the list of commands, or how to use one ({@code help vm create}). Both
 * are made from the commands' own picocli annotations, so help cannot drift from what parses.
 */
@Command(name = "help", description = "List the commands, or show how to use one: help vm create")
final class HelpCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "a command, e.g. 'vm create' or 'wait'")
    List<String> words = List.of();

    /** One line of the overview, and one element of {@code help --json}. */
    record Entry(String command, String description) {}

    @Override
    public Reply run(Context context) {
        if (words.isEmpty()) {
            List<Entry> entries = overview();
            return new Reply(Map.of("commands", entries), render(entries));
        }
        CommandLine command = find(words);
        String usage = usage(command);
        return new Reply(Map.of("command", command.getCommandSpec().qualifiedName(), "usage", usage), usage);
    }

    /** The picocli usage text of one command, without colours. */
    static String usage(CommandLine command) {
        return command.getUsageMessage(Help.Ansi.OFF).stripTrailing();
    }

    /** The command named by {@code words} ("vm", "create"), or a usage error naming what is unknown. */
    private static CommandLine find(List<String> words) {
        CommandLine command = Language.commands().get(words.getFirst());
        for (int i = 1; command != null && i < words.size(); i++) {
            command = command.getSubcommands().get(words.get(i));
        }
        if (command == null) {
            throw CommandFailure.usage("no command '" + String.join(" ", words) + "' (type 'help' for the list)");
        }
        return command;
    }

    /** Every command that does something, with the first line of its description. */
    static List<Entry> overview() {
        List<Entry> entries = new ArrayList<>();
        Map<CommandLine, Boolean> listed = new IdentityHashMap<>();
        for (CommandLine top : Language.commands().values()) {
            if (listed.put(top, true) != null) {
                continue; // 'exit' is 'quit' under another name
            }
            String name = top.getCommandSpec().qualifiedName();
            if (top.getCommandSpec().aliases().length > 0) {
                name += "|" + String.join("|", top.getCommandSpec().aliases());
            }
            if (top.getSubcommands().isEmpty()) {
                entries.add(new Entry(name, firstLine(top)));
            } else {
                for (CommandLine sub : top.getSubcommands().values()) {
                    entries.add(new Entry(sub.getCommandSpec().qualifiedName(), firstLine(sub)));
                }
            }
        }
        return entries;
    }

    private static String firstLine(CommandLine command) {
        String[] description = command.getCommandSpec().usageMessage().description();
        return description.length == 0 ? "" : description[0];
    }

    private static String render(List<Entry> entries) {
        StringBuilder out = new StringBuilder("Commands ('help COMMAND' shows one; every command takes --json):\n");
        int width = entries.stream().mapToInt(e -> e.command().length()).max().orElse(0);
        for (Entry entry : entries) {
            out.append(String.format("  %-" + width + "s  %s%n", entry.command(), entry.description()));
        }
        out.append("Durations: 500ms, 2s, 1m, 1h or seconds. Quote words with spaces: expect console c1 contains \"tick 5\"");
        return out.toString();
    }
}
