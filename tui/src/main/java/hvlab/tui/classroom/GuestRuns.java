package hvlab.tui.classroom;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmResult;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.GuestImageException;
import hvlab.vmm.image.NasmAssembler;
import hvlab.vmm.reference.BareMachine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What guest-side graders share: assemble the student's file, run it under the VMM or on the bare CPU. */
final class GuestRuns {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The assembled guest, or the reason it did not assemble (NASM's own message). */
    record Built(GuestImage image, String error) {}

    private GuestRuns() {}

    static Built assemble(Path work, String file) {
        Path source = work.resolve(file);
        if (!Files.isRegularFile(source)) {
            return new Built(null, "there is no " + source);
        }
        try {
            return new Built(new GuestImage(file.replaceFirst("\\.asm$", ""), NasmAssembler.assemble(source)), null);
        } catch (GuestImageException e) {
            return new Built(null, e.getMessage());
        }
    }

    static VmResult underVmm(GuestImage image, ExecutionMode mode, long memory) {
        try (Vm vm = new Vm(VmConfig.of(image).withMode(mode).withMemory(memory).withTimeout(TIMEOUT), b -> { })) {
            return vm.run();
        }
    }

    static BareMachine.Run bare(GuestImage image, long memory) {
        return BareMachine.run(image, memory, TIMEOUT);
    }
}
