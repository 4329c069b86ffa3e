package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/** {@code vm history NAME [--dot]}: the VM's history graph, as a tree in the terminal or as Graphviz DOT. */
@Command(name = "history", description = {"Show a VM's history: its snapshot tree (a revert is a branch) and its events",
        "(clones fork it, imports and restores bring it elsewhere). --dot prints Graphviz DOT: pipe it to 'dot -Tpng'."})
final class VmHistoryCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String vm;

    @Option(names = "--dot", description = "print the graph in Graphviz's DOT language")
    boolean dot;

    @Override
    public Reply run(Context context) {
        var snapshots = context.host().snapshots(vm);
        List<String> events = context.host().history(vm);
        String text = dot ? HistoryGraph.dot(vm, snapshots, events) : String.join("\n", HistoryGraph.text(vm, snapshots, events));
        return new Reply(Map.of("vm", vm, "snapshots", snapshots, "events", HistoryGraph.parse(events)), text);
    }
}
