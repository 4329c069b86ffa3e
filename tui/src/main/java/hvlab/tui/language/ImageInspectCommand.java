package hvlab.tui.language;

import hvlab.vmm.image.ova.ImageRefused;
import hvlab.vmm.image.ova.OvaInspector;
import hvlab.vmm.image.ova.OvaInspector.Inspection;
import hvlab.vmm.image.ova.OvfDescriptor;
import hvlab.vmm.image.ova.PrintableStrings.Found;
import hvlab.vmm.image.ova.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code image inspect FILE.ova [--strings N]}: what anyone holding the image can read without a
 * key or a password (paper IV.B.1): its configuration and identity, its files, the console the
 * VMM kept, and text found in its disk and memory, such as a password the guest was typed.
 */
@Command(name = "inspect", description = {"Show what anyone holding an image can read in it, with no key: configuration, "
        + "files, integrity, the console kept in it, and text found in its disk and memory.",
        "An encrypted image still shows its descriptor; its payload cannot be read without the passphrase."})
final class ImageInspectCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE.ova", description = "the image")
    Path file;

    @Option(names = "--strings", paramLabel = "N", defaultValue = "40",
            description = "show the first N strings found in the disk and in the memory (default ${DEFAULT-VALUE})")
    int strings;

    @Override
    public Reply run(Context context) {
        if (strings < 0) {
            throw CommandFailure.usage("--strings must be 0 or more");
        }
        Path store = ImageCommand.storeOf(context.host());
        Inspection seen;
        try {
            seen = OvaInspector.inspect(file, strings, store == null ? null : SigningKey.publicKeyOfStore(store));
        } catch (ImageRefused e) {
            throw CommandFailure.badInput(e.getMessage());
        }
        return new Reply(data(seen), text(seen));
    }

    private static Map<String, Object> data(Inspection seen) {
        OvfDescriptor d = seen.descriptor();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", d.name());
        config.put("uuid", d.uuid());
        config.put("mac", d.mac());
        config.put("generationId", d.generationId());
        config.put("guest", d.guest());
        config.put("memoryBytes", d.memoryBytes());
        config.put("mode", d.mode());
        config.put("weight", d.weight());
        config.put("cap", d.cap());
        config.put("diskBytes", d.diskCapacity());
        config.put("created", d.created().toString());
        config.put("state", d.state());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("file", seen.file());
        data.put("bytes", seen.bytes());
        data.put("configuration", config);
        data.put("files", seen.files());
        data.put("integrity", seen.integrity());
        data.put("signature", seen.signature());
        data.put("encrypted", seen.encrypted());
        data.put("console", seen.console());
        data.put("memoryStrings", seen.memoryStrings());
        data.put("memoryStringsFound", seen.memoryStringsFound());
        data.put("diskStrings", seen.diskStrings());
        data.put("diskStringsFound", seen.diskStringsFound());
        return data;
    }

    private static String text(Inspection seen) {
        OvfDescriptor d = seen.descriptor();
        List<String> out = new ArrayList<>();
        out.add(seen.file() + ": an hvlab VM image (OVF 2), " + HumanOutput.size(seen.bytes())
                + ". Anyone holding this file reads what follows, with no key and no password.");
        out.add("configuration (the descriptor " + d.descriptorName() + ", never encrypted):");
        out.add("  name " + d.name() + ", guest " + d.guest() + ", " + HumanOutput.size(d.memoryBytes()) + " of memory, "
                + d.mode() + " mode, weight " + d.weight() + ", " + (d.cap() == 0 ? "no cap" : "cap " + d.cap() + "%")
                + ", " + (d.diskCapacity() == 0 ? "no disk" : "a disk of " + HumanOutput.size(d.diskCapacity())));
        out.add("  identity: uuid " + d.uuid() + ", mac " + d.mac() + ", generation ID " + d.generationId());
        out.add("  state when exported: " + d.state() + (d.state().equals(OvfDescriptor.OFF) ? ""
                : " (its CPU state and all of its memory are in the image)"));
        out.add("files:");
        for (var f : seen.files()) {
            out.add(String.format(Locale.ROOT, "  %-28s %12d bytes  sha256 %s", f.name(), f.bytes(), f.sha256().substring(0, 16) + "..."));
        }
        out.add("integrity: " + seen.integrity());
        out.add("signature: " + seen.signature());
        if (seen.encrypted()) {
            out.add("payload: encrypted with " + OvfDescriptor.Encryption.CIPHER + " (key from a passphrase through "
                    + OvfDescriptor.Encryption.KDF + ", " + d.encryption().iterations() + " iterations): its disk, memory, "
                    + "machine state and history cannot be read without the passphrase.");
            return String.join("\n", out);
        }
        out.add("payload: NOT encrypted: everything below is there for anyone to read.");
        if (!seen.console().isEmpty()) {
            out.add("console, as the VMM kept it in the machine state (last lines):");
            seen.console().forEach(line -> out.add("  | " + line));
        }
        strings(out, "memory", seen.memoryStrings(), seen.memoryStringsFound(), "guest address");
        strings(out, "disk", seen.diskStrings(), seen.diskStringsFound(), "byte offset");
        return String.join("\n", out);
    }

    private static void strings(List<String> out, String where, List<Found> found, int total, String offset) {
        if (total == 0) {
            return;
        }
        out.add("text in the " + where + " (" + total + " strings of 6 or more printable characters"
                + (found.size() < total ? ", the first " + found.size() + " shown" : "") + "; " + offset + ", text):");
        for (Found f : found) {
            out.add(String.format(Locale.ROOT, "  0x%08x  %s", f.offset(), f.text()));
        }
    }
}
