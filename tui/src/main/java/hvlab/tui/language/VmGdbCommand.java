package hvlab.tui.language;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

/**
 * {@code vm gdb NAME --port P}: a gdb stub for the VM's guest kernel on localhost port P (the GDB
 * Remote Serial Protocol, as QEMU's {@code -s}). {@code gdb KERNEL.elf -ex 'target remote :P'}
 * then stops the VM and debugs it: breakpoints, single steps, registers and memory as the guest
 * sees them. The stub listens as long as the host runs; a closed-box VM refuses.
 */
@Command(name = "gdb", description = {"Serve gdb's remote protocol for the VM on localhost port P.",
        "Then: gdb KERNEL.elf -ex 'target remote :P'. Attaching pauses the VM; 'continue' resumes it;",
        "detaching (or quitting gdb) lets it run on. Breakpoints are VMM hooks: guest memory never changes."})
final class VmGdbCommand implements LanguageCommand {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "the VM (running or paused)")
    String name;

    @Option(names = "--port", required = true, paramLabel = "P", description = "the TCP port on 127.0.0.1 (0: any free one)")
    int port;

    @Override
    public String refusal(Place place) {
        return place.refuseUnlessHostKeepsRunning("vm gdb");
    }

    @Override
    public Reply run(Context context) {
        if (port < 0 || port > 65535) {
            throw CommandFailure.usage("--port takes 0 to 65535, not " + port);
        }
        int listening = context.host().serveGdb(name, port, context.session().actor());
        return new Reply(Map.of("vm", name, "host", "127.0.0.1", "port", listening),
                "gdb stub for " + name + " on 127.0.0.1:" + listening + ": gdb KERNEL.elf -ex 'target remote :" + listening + "'");
    }
}
