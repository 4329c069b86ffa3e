package hvlab.tui.language;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.VmBundle;
import hvlab.vmm.host.VmHistory;
import hvlab.vmm.image.ova.ImageRefused;
import hvlab.vmm.image.ova.OvaWriter;
import hvlab.vmm.image.ova.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

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
        if (Files.exists(file)) {
            throw CommandFailure.badInput(file + ": already exists (remove it, or export to another name)");
        }
        char[] passphrase = null;
        if (encrypt) {
            passphrase = context.session().secrets().passphrase("passphrase for " + file, true);
            if (passphrase == null || passphrase.length == 0) {
                throw CommandFailure.usage("image export --encrypt needs a passphrase: set " + Secrets.VARIABLE
                        + " or export from 'hv shell', which asks for one");
            }
        }
        Path store = ImageCommand.storeOf(context.host());
        VmBundle bundle = context.host().capture(name);
        OvaWriter.Written written;
        try {
            SigningKey key = unsigned || store == null ? null : SigningKey.ofStore(store);
            written = OvaWriter.write(bundle, file, key, passphrase,
                    ImageCommand.progress(context.session(), "exporting " + name, common.json));
        } catch (ImageRefused e) {
            throw CommandFailure.badInput(e.getMessage());
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
            delete(bundle.disk());
        }
        if (context.host() instanceof Host host) {
            VmHistory.append(host.store().folder(name), "export", Map.of("actor", context.session().actor(),
                    "file", file.toAbsolutePath().toString(), "encrypted", written.encrypted(), "signed", written.signer() != null));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("vm", name);
        data.put("file", file.toString());
        data.put("bytes", written.bytes());
        data.put("state", written.state());
        data.put("encrypted", written.encrypted());
        data.put("signer", written.signer());
        data.put("files", written.files());
        String text = "exported " + name + " (" + written.state() + ") to " + file + ": " + HumanOutput.size(written.bytes())
                + " in " + written.files().size() + " files, " + (written.encrypted() ? "encrypted" : "NOT encrypted (anyone holding it can read it)")
                + ", " + (written.signer() == null ? "unsigned" : "signed by " + written.signer());
        return new Reply(data, text);
    }

    private static void delete(Path disk) {
        if (disk != null) {
            try {
                Files.deleteIfExists(disk);
            } catch (IOException ignored) {
                // a temporary copy of the disk left behind is harmless
            }
        }
    }
}
