package hvlab.tui.language;

import hvlab.vmm.host.VmInfo;
import hvlab.vmm.image.ova.ImageRefused;
import hvlab.vmm.image.ova.ImportedImage;
import hvlab.vmm.image.ova.OvaReader;
import hvlab.vmm.image.ova.OvfDescriptor;
import hvlab.vmm.image.ova.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code image import FILE.ova [--as NEW]}: takes an image in after checking everything
 * ({@link OvaReader}); the VM keeps its identity, and one exported while running resumes where it
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

    @Override
    public Reply run(Context context) {
        Path store = ImageCommand.storeOf(context.host());
        PublicKey trusted = store == null ? null : SigningKey.publicKeyOfStore(store);
        try (ImportedImage image = OvaReader.read(file, () -> context.session().secrets().passphrase("passphrase of " + file, false),
                trusted, ImageCommand.progress(context.session(), "importing " + file, common.json))) {
            VmInfo info = context.host().install(image.bundle(), as, context.session().actor(), "import");
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("vm", info);
            data.put("file", file.toString());
            data.put("encrypted", image.descriptor().encrypted());
            data.put("signer", image.signer());
            data.put("trusted", image.trusted());
            data.put("exportedWhile", image.descriptor().state());
            String resumes = image.descriptor().state().equals(OvfDescriptor.OFF) ? ""
                    : "; it was " + image.descriptor().state() + " and resumes where it was at 'vm start " + info.name() + "'";
            String signer = image.signer() == null ? "unsigned: nothing says who made it"
                    : "signed by " + image.signer() + (image.trusted() ? " (this store's key)" : " (not this store's key)");
            return new Reply(data, "imported " + info.name() + " from " + file + resumes + "; " + signer);
        } catch (ImageRefused e) {
            throw CommandFailure.badInput(e.getMessage());
        }
    }
}
