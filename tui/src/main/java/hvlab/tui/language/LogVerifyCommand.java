package hvlab.tui.language;

import hvlab.vmm.log.LogVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code log verify}: checks the secure log's chain, checkpoints and signed tip; fails naming the first bad line. */
@Command(name = "verify", description = {"Check the host's secure log from its first record to its signed tip.",
        "Exit status 1 and the first bad line if anything was edited, deleted, inserted, reordered or cut off."})
final class LogVerifyCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Override
    public Reply run(Context context) {
        LogVerifier.Verdict verdict = context.host().verifySecureLog();
        if (!verdict.ok()) {
            throw CommandFailure.failed("secure log " + verdict.summary());
        }
        return new Reply(verdict, "secure log " + verdict.summary());
    }
}
