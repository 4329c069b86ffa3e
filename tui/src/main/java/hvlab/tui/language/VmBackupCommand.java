package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code vm backup NAME FILE}: a copy of the VM to come back to (paper IV.C.6). A running VM is
 * held only while it is captured, as for a snapshot; the file is a signed OVA image, so the same
 * checks guard its way back in.
 */
@Command(name = "backup", description = {"Back up a VM to a file (a signed OVA image; --encrypt to keep it secret). A running",
        "VM stops only while it is captured, and 'vm restore' brings it back where it was."})
final class VmBackupCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM")
    String vm;

    @Parameters(index = "1", paramLabel = "FILE", description = "the backup to write (it must not exist yet)")
    Path file;

    @Option(names = "--encrypt", description = "encrypt it with a passphrase ($HVLAB_PASSPHRASE, or asked for in the shell)")
    boolean encrypt;

    @Override
    public Reply run(Context context) {
        return ImageTransfer.export(context, vm, file, encrypt, false, common.json, "backup");
    }
}
