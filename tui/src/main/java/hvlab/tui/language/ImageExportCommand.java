package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code image export NAME FILE.ova [--encrypt] [--unsigned]}: the VM as it is at this moment
 * (a running VM is held only while it is captured, and resumes where it was when imported).
 * Images are signed with the store's key unless {@code --unsigned}; {@code --encrypt} takes its
 * passphrase from HVLAB_PASSPHRASE or, in the shell, a prompt.
 */
@Command(name = "export", description = {"Write a VM as an OVA image: descriptor, guest image, disk, machine and memory "
        + "(if it runs), history, manifest, and a signature by this store's key.",
        "Anyone holding the file can read it (see 'image inspect') unless --encrypt: AES-256-GCM with a key from a passphrase "
                + "($HVLAB_PASSPHRASE, or asked for in the shell; never on the command line)."})
final class ImageExportCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String name;

    @Parameters(index = "1", paramLabel = "FILE.ova", description = "the image to write (it must not exist yet)")
    Path file;

    @Option(names = "--encrypt", description = "encrypt the payload with a passphrase")
    boolean encrypt;

    @Option(names = "--unsigned", description = "do not sign the manifest with the store's key")
    boolean unsigned;

    @Override
    public Reply run(Context context) {
        return ImageTransfer.export(context, name, file, encrypt, unsigned, common.json, "export");
    }
}
