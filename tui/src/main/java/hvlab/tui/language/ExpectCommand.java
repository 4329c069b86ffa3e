package hvlab.tui.language;

import hvlab.vmm.host.VmInfo;
import hvlab.vmm.host.VmLifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * {@code expect}: the checks of a classroom script. Each looks once, now (put a {@code wait}
 * before it when the thing takes time), and either says "ok: ..." or fails with
 * "expect failed: ..." and exit status 1, which stops a script and names its line.
 */
@Command(name = "expect", description = {"Check something about a VM now; a failed check stops a script at its line.",
        "  expect console NAME contains TEXT",
        "  expect state NAME S",
        "  expect share NAME LO..HI   (CPU share over the host's last measuring window, fractions of one CPU)",
        "  expect fails COMMAND...    (the command must fail: a detector that must fire, a refusal that must come)"},
        subcommands = {ExpectCommand.Console.class, ExpectCommand.State.class, ExpectCommand.Share.class, ExpectFails.class})
final class ExpectCommand {
    @Mixin
    CommonOptions common;

    /** What a check found, for --json: {"check":"share","vm":"w1","ok":true,"actual":0.5,"wanted":"0.45..0.55"}. */
    record Check(String check, String vm, boolean ok, Object actual, String wanted) {}

    private static Reply verdict(Check check, String okText, String failText) {
        if (!check.ok()) {
            throw CommandFailure.failed("expect failed: " + failText);
        }
        return new Reply(check, "ok: " + okText);
    }

    @Command(name = "console", description = "Check that the VM's console (all the host keeps) contains TEXT.")
    static final class Console implements LanguageCommand {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
        String name;

        @Parameters(index = "1", paramLabel = "contains", description = "the word 'contains'")
        String verb;

        @Parameters(index = "2..*", arity = "1..*", paramLabel = "TEXT", description = "the text to look for")
        List<String> words;

        @Override
        public String refusal(Place place) {
            if (!verb.equals("contains")) {
                return "expect console NAME contains TEXT: the third word must be 'contains', not '" + verb + "'";
            }
            return place.refuseUnlessHostKeepsRunning("expect console"); // a fresh host has no console to check
        }

        @Override
        public Reply run(Context context) {
            String text = String.join(" ", words);
            String console = context.host().console(name, 0).text();
            Check check = new Check("console", name, console.contains(text), Waiting.lastLine(console), text);
            return verdict(check, "the console of " + name + " contains '" + text + "'",
                    "the console of " + name + " does not contain '" + text + "' (" + Waiting.lastLine(console) + ")");
        }
    }

    @Command(name = "state", description = "Check that the VM is in state S (defined, running, paused, shutting-down, crashed).")
    static final class State implements LanguageCommand {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
        String name;

        @Parameters(index = "1", paramLabel = "S", converter = States.Converter.class, description = "the state")
        VmLifecycle state;

        @Override
        public Reply run(Context context) {
            VmInfo info = context.host().info(name);
            Check check = new Check("state", name, info.state().equals(state.label()), info.state(), state.label());
            return verdict(check, name + " is " + info.state(), name + " is " + info.state() + ", wanted " + state.label());
        }
    }

    @Command(name = "share", description = {"Check that the VM's CPU share lies in LO..HI (both included).",
            "A share is the VM's CPU time over the host's last measuring window, as a fraction of one CPU."})
    static final class Share implements LanguageCommand {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
        String name;

        @Parameters(index = "1", paramLabel = "LO..HI", converter = ShareRange.Converter.class,
                description = "e.g. 0.45..0.55")
        ShareRange range;

        @Override
        public String refusal(Place place) {
            return place.refuseUnlessHostKeepsRunning("expect share"); // a fresh host has run nothing: every share is 0
        }

        @Override
        public Reply run(Context context) {
            double share = context.host().info(name).share();
            Check check = new Check("share", name, range.contains(share), share, range.text());
            return verdict(check, "share of " + name + " is " + range.show(share) + " (" + range + ")",
                    "share of " + name + " is " + range.show(share) + ", wanted " + range);
        }
    }
}
