package hvlab.tui.language;

import hvlab.vmm.host.VmBundle;
import hvlab.vmm.host.VmInfo;
import hvlab.vmm.image.ova.ImageRefused;
import hvlab.vmm.image.ova.ImportedImage;
import hvlab.vmm.image.ova.OvaReader;
import hvlab.vmm.image.ova.OvaWriter;
import hvlab.vmm.image.ova.OvfDescriptor;
import hvlab.vmm.image.ova.SigningKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A VM out to an OVA file and back: what {@code image export/import} and {@code vm backup/restore}
 * share. They differ in what they are for (an image to hand on; a copy to come back to) and in
 * the event the VM's history keeps, not in the file.
 */
final class ImageTransfer {
    private ImageTransfer() {}

    /** Captures {@code vm} (a running VM only for as long as that takes) and writes it to {@code file}. */
    static Reply export(Context context, String vm, Path file, boolean encrypt, boolean unsigned, boolean json, String event) {
        if (Files.exists(file)) {
            throw CommandFailure.badInput(file + ": already exists (remove it, or write to another name)");
        }
        char[] passphrase = null;
        if (encrypt) {
            passphrase = context.session().secrets().passphrase("passphrase for " + file, true);
            if (passphrase == null || passphrase.length == 0) {
                throw CommandFailure.usage(event + " --encrypt needs a passphrase: set " + Secrets.VARIABLE
                        + " or run it in 'hv shell', which asks for one");
            }
        }
        Path store = ImageCommand.storeOf(context.host());
        VmBundle bundle = context.host().capture(vm);
        OvaWriter.Written written;
        try {
            SigningKey key = unsigned || store == null ? null : SigningKey.ofStore(store);
            written = OvaWriter.write(bundle, file, key, passphrase, ImageCommand.progress(context.session(), event + " of " + vm, json));
        } catch (ImageRefused e) {
            throw CommandFailure.badInput(e.getMessage());
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
            deleteQuietly(bundle.disk());
        }
        context.host().record(vm, event, Map.of("actor", context.session().actor(), "file", file.toAbsolutePath().toString(),
                "encrypted", written.encrypted(), "signed", written.signer() != null));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("vm", vm);
        data.put("file", file.toString());
        data.put("bytes", written.bytes());
        data.put("state", written.state());
        data.put("encrypted", written.encrypted());
        data.put("signer", written.signer());
        data.put("files", written.files());
        String text = (event.equals("backup") ? "backed up " : "exported ") + vm + " (" + written.state() + ") to " + file + ": "
                + HumanOutput.size(written.bytes()) + " in " + written.files().size() + " files, "
                + (written.encrypted() ? "encrypted" : "NOT encrypted (anyone holding it can read it)")
                + ", " + (written.signer() == null ? "unsigned" : "signed by " + written.signer());
        return new Reply(data, text);
    }

    /** Checks {@code file} in every way and installs the VM in it as {@code as} (null: its own name). */
    static Reply bring(Context context, Path file, String as, boolean json, String event) {
        return bring(context, file, as, json, event, SignerPolicy.ANY);
    }

    /**
     * Who must have signed an image before it is taken in. A manifest can only be checked against
     * itself: whoever changes a file can write a new manifest and drop the signature, and the image
     * then reads as merely unsigned. Only a rule that asks for a signature, or for one signer,
     * stops that (paper IV.B.1: an image is data anyone holding it can modify).
     *
     * @param signedOnly refuse an image without a signature
     * @param signer     refuse an image not signed by this key ({@code SHA256:...}), or null for any signer
     */
    record SignerPolicy(boolean signedOnly, String signer) {
        static final SignerPolicy ANY = new SignerPolicy(false, null);

        void check(Path file, ImportedImage image) {
            if (image.signer() == null && (signedOnly || signer != null)) {
                throw CommandFailure.badInput(file + ": unsigned: nothing says who made it, and a signature was asked for");
            }
            if (signer != null && !signer.equals(image.signer())) {
                throw CommandFailure.badInput(file + ": signed by " + image.signer() + ", not by " + signer);
            }
        }
    }

    static Reply bring(Context context, Path file, String as, boolean json, String event, SignerPolicy policy) {
        Path store = ImageCommand.storeOf(context.host());
        PublicKey trusted = store == null ? null : SigningKey.publicKeyOfStore(store);
        try (ImportedImage image = OvaReader.read(file, () -> context.session().secrets().passphrase("passphrase of " + file, false),
                trusted, ImageCommand.progress(context.session(), event + " of " + file, json))) {
            policy.check(file, image);
            VmInfo info = context.host().install(image.bundle(), as, context.session().actor(), event);
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
            String twins = info.sameIdentityAs().isEmpty() ? ""
                    : "; it has the same identity as " + String.join(", ", info.sameIdentityAs()) + " (two machines claim to be one)";
            String verb = event.equals("restore") ? "restored " : "imported ";
            return new Reply(data, verb + info.name() + " from " + file + resumes + "; " + signer + twins);
        } catch (ImageRefused e) {
            throw CommandFailure.badInput(e.getMessage());
        }
    }

    private static void deleteQuietly(Path disk) {
        if (disk != null) {
            try {
                Files.deleteIfExists(disk);
            } catch (IOException ignored) {
                // a temporary copy of the disk left behind is harmless
            }
        }
    }
}
