package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code image import FILE.ova [--as NEW] [--signed] [--signer SHA256:...]}: takes an image in after checking everything
 * ({@link hvlab.vmm.image.ova.OvaReader}); the VM keeps its identity, and one exported while running resumes where it
 * was at its next {@code vm start}. A refused image leaves the store as it was.
 */
@Command(name = "import", description = {"Take in an OVA image as a new VM, after checking its structure, sizes, manifest, "
        + "signature and contents; a refused image changes nothing.",
        "A VM exported while running resumes where it was at 'vm start'. An encrypted image needs its passphrase "
                + "($HVLAB_PASSPHRASE, or asked for in the shell)."})
final class ImageImportCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE.ova", description = "the image")
    Path file;

    @Option(names = "--as", paramLabel = "NEW", description = "the name of the new VM (default: the name in the image)")
    String as;

    @Option(names = "--signed", description = "refuse an image without a signature (a changed file with a new manifest "
            + "and no signature otherwise reads as merely unsigned)")
    boolean signed;

    @Option(names = "--signer", paramLabel = "SHA256:...", description = "refuse an image not signed by this key "
            + "(its fingerprint, as export and inspect print it)")
    String signer;

    @Override
    public Reply run(Context context) {
        return ImageTransfer.bring(context, file, as, common.json, "import", new ImageTransfer.SignerPolicy(signed, signer));
    }
}
