package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code vm restore FILE [--as NEW]}: a backup back in the store, after every check an import
 * makes. It keeps the identity it had; restored beside its original, the host marks both, since
 * two machines now claim to be one (paper IV.E.1).
 */
@Command(name = "restore", description = {"Bring a backup back as a VM (its own name, or --as NEW), after checking it as",
        "'image import' does. It keeps its identity: beside its original, both are marked as twins."})
final class VmRestoreCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "the backup")
    Path file;

    @Option(names = "--as", paramLabel = "NEW", description = "the name of the restored VM (default: the name it had)")
    String as;

    @Override
    public Reply run(Context context) {
        return ImageTransfer.bring(context, file, as, common.json, "restore");
    }
}
