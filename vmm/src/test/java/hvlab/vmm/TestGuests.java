package hvlab.vmm;

import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.NasmAssembler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Builds small guests for tests from NASM source written right in the test, so each test shows
 * the guest code it runs. NasmAssembler puts the ABI includes (abi.inc, serial.inc) on the path.
 */
final class TestGuests {
    private TestGuests() {}

    static GuestImage assemble(String name, String body) {
        try {
            Path dir = Files.createTempDirectory("hvlab-test-guest");
            Path source = dir.resolve(name + ".asm");
            Files.writeString(source, "bits 32\norg 0x100000\n%include \"abi.inc\"\n" + body);
            return new GuestImage(name, NasmAssembler.assemble(source));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static VmResult run(String name, String body) {
        return run(VmConfig.of(assemble(name, body)).withTimeout(Duration.ofSeconds(20)));
    }

    static VmResult run(VmConfig config) {
        try (Vm vm = new Vm(config, b -> { })) {
            return vm.run();
        }
    }
}
