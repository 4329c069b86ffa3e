package hvlab.tui.language;

import hvlab.vmm.host.VmInfo;
import hvlab.vmm.host.VmSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vm create NAME --guest G [--mem SIZE] [--disk FILE|SIZE] [--weight N] [--cap PCT] [--mode M] [--closed-box] [--net NET]}.
 * The host checks the values (sizes, paths, ranges) and stores the definition; the language only
 * carries them, so a host in another process will check them the same way.
 */
@Command(name = "create", description = "Define a new VM: it is stored at once and stays shut off until 'vm start'.")
final class VmCreateCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM's name, unique on its host")
    String name;

    @Option(names = "--guest", required = true, paramLabel = "G",
            description = "a built-in guest (see 'hv guests'), an .asm or a .bin file")
    String guest;

    @Option(names = "--mem", paramLabel = "SIZE", description = "guest RAM, e.g. 16M (default: the host's)")
    String memory;

    @Option(names = "--disk", paramLabel = "FILE|SIZE",
            description = "a raw disk image to attach, or a size such as 32M for a new empty disk")
    String disk;

    @Option(names = "--weight", paramLabel = "N", defaultValue = "" + VmSpec.DEFAULT_WEIGHT,
            description = "share of the CPU under contention: 512 gets twice what 256 gets (default ${DEFAULT-VALUE})")
    int weight;

    @Option(names = "--cap", paramLabel = "PCT", defaultValue = "0",
            description = "the most of one CPU it may ever use, in percent; 0 for no cap (default)")
    int cap;

    @Option(names = "--mode", paramLabel = "M", description = "trap, bt or paravirt (default trap)")
    String mode;

    @Option(names = "--closed-box", description = "a closed-box VM (Terra): the host refuses to look inside it, "
            + "and its vTPM measures that promise (TPM.md)")
    boolean closedBox;

    @Option(names = "--net", paramLabel = "NET", description = "give it a network card on this host network ('net create NET' first)")
    String network;

    @Option(names = "--apic", description = "an MP machine as xv6 expects: local APIC, I/O APIC and the MP table (GUESTS.md)")
    boolean apic;

    @Option(names = "--keyboard", description = "text typed into the VM also reaches its PS/2 keyboard (IRQ 1), besides COM1")
    boolean keyboard;

    @Option(names = "--if-mirror", negatable = true, description = "the real interrupt flag follows the guest's, so PUSHF tells "
            + "the truth in trap mode (how xv6 runs under trap-and-emulate; default: on for the xv6 guest, off for the rest)")
    Boolean ifMirror;

    @Override
    public Reply run(Context context) {
        VmInfo info = context.host().create(new VmSpec(name, guest, memory, disk, weight, cap, mode, closedBox, network,
                apic, keyboard, ifMirror));
        return new Reply(info, "defined " + HumanOutput.summary(info));
    }
}
