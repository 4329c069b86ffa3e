package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

import java.util.List;

/**
 * {@code dc ...}: the datacenter manager's commands (balance, migrate, place, where, patches,
 * patch, quarantine, hosts). The language knows the word so that a lecture or a script can be
 * checked; they run where there is a manager: the command line of {@code ./hv}'s terminal UI,
 * over its embedded datacenter, which takes the line before the language does. Anywhere else
 * this says where to go.
 */
@Command(name = "dc", description = {"The datacenter manager: dc hosts | dc migrate VM --to HOST | dc balance [--dry-run] | dc place VM [HOST...]",
        "| dc where VM | dc patches [VM...] | dc patch VM PATCH | dc quarantine VM | dc undefine VM [--if-exists]",
        "| dc replicate VM --to HOST [--every MS] | dc replicate VM --stop | dc replicas.",
        "Runs in ./hv's command line (':'), over its datacenter of hosts h1-h3; 'hv dc ...' does the same for hosts in their own processes."})
final class DcLineCommand implements LanguageCommand {
    @Parameters(paramLabel = "WORDS", arity = "1..*", description = "the manager's command and its arguments")
    List<String> words;

    /** The manager's own options (--to, --dry-run, --if-exists) are its business, not the language's. */
    @Unmatched
    List<String> options = new java.util.ArrayList<>();

    @Override
    public Reply run(Context context) {
        throw CommandFailure.failed("'dc " + String.join(" ", words) + (options.isEmpty() ? "" : " " + String.join(" ", options)) + "' needs the datacenter's manager: type it in ./hv's command line (':'),"
                + " or use 'hv dc ...' with hosts started by 'hv host serve'");
    }
}
