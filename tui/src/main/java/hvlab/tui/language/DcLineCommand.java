package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;

/**
 * {@code dc ...}: the datacenter manager's commands (balance, migrate, place, where, patches,
 * patch, quarantine, replicate, replicas, hosts). They run where the interpreter has a manager:
 * {@code hv shell --datacenter} and {@code hv script --datacenter}, over the embedded datacenter of
 * hosts h1-h3 that {@code ./hv} starts, and the command line of {@code ./hv}'s terminal UI. Anywhere
 * else the word is still known, so that a lecture or a script can be checked, and says where to go.
 */
@Command(name = "dc", description = {"The datacenter manager: dc hosts | dc migrate VM --to HOST | dc balance [--dry-run] | dc place VM [HOST...]",
        "| dc where VM | dc patches [VM...] | dc patch VM PATCH | dc quarantine VM | dc undefine VM [--if-exists]",
        "| dc replicate VM --to HOST [--every MS] | dc replicate VM --stop | dc replicas",
        "| dc vm HOST send VM TEXT | dc vm HOST console VM | dc vm HOST wait VM TEXT | dc net HOST create NET.",
        "Runs in 'hv shell --datacenter', 'hv script --datacenter FILE' and ./hv's command line (':'), over a datacenter of hosts h1-h3;",
        "'hv dc ...' does the same for hosts in their own processes."})
final class DcLineCommand implements LanguageCommand {
    /** The manager's command, its arguments and its own options (--to, --dry-run, --every), in the order typed. */
    @Parameters(paramLabel = "WORDS", arity = "1..*", description = "the manager's command and its arguments")
    List<String> words;

    @Override
    public Reply run(Context context) {
        var manager = context.interpreter().datacenter();
        if (manager == null) {
            throw CommandFailure.failed("'dc " + String.join(" ", words) + "' needs the datacenter's manager: start the shell or script"
                    + " with --datacenter, type it in ./hv's command line (':'), or use 'hv dc ...' with hosts started by 'hv host serve'");
        }
        try {
            List<String> lines = manager.run(words);
            return new Reply(lines, String.join("\n", lines));
        } catch (IllegalArgumentException e) {
            throw CommandFailure.badInput(e.getMessage());
        } catch (IOException e) {
            throw CommandFailure.failed("the datacenter did not answer: " + e.getMessage());
        }
    }
}
