package hvlab.vmm.image;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Guests written in C, booted as Multiboot kernels under the VMM: the built-in one, and one-file
 * guests compiled on the fly as {@code hv run my.c} does.
 */
class CGuestsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsGcc() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed (.ci/run installs it)");
    }

    static VmResult run(GuestImage image, ExecutionMode mode, long memory) {
        try (Vm vm = new Vm(VmConfig.of(image).withMode(mode).withMemory(memory).withTimeout(Duration.ofSeconds(20)), b -> { })) {
            return vm.run();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionMode.class, names = {"TRAP", "BT"})
    void theMultibootGuestReadsWhatTheLoaderToldIt(ExecutionMode mode) throws Exception {
        VmResult result = run(GuestImages.resolve("multiboot-info"), mode, 32L << 20);
        assertEquals("""
                multiboot-info: booted by hvlab, command line 'multiboot-info'
                multiboot-info: 639 KiB low memory, 31 MiB above 1 MiB
                multiboot-info: 0x00000000-0x0009fbff RAM
                multiboot-info: 0x0009fc00-0x000fffff reserved
                multiboot-info: 0x00100000-0x01ffffff RAM
                multiboot-info: 0xfff00000-0xffffffff reserved
                """, result.serial());
        assertEquals(new VmExit.DebugExit(0), result.exit());
    }

    @Test
    void aOneFileCGuestIsCompiledOnTheFlyAndItsMainReturnsTheExitStatus() throws Exception {
        Path source = dir.resolve("sum.c");
        Files.writeString(source, """
                #include "hvlab.h"
                static uint32_t numbers[100];            /* bss: zero until the guest writes it */
                int main(uint32_t magic, struct multiboot_info *info) {
                    (void) info;
                    uint32_t sum = 0;
                    for (uint32_t i = 0; i < 100; i++) numbers[i] = i + 1;
                    for (uint32_t i = 0; i < 100; i++) sum += numbers[i];
                    print("sum "); print_unsigned(sum); print("\\n");
                    return magic == MULTIBOOT_BOOT_MAGIC ? 7 : 1;
                }
                """);
        GuestImage image = GuestImages.resolve(source.toString());
        assertEquals("sum", image.name());
        VmResult result = run(image, ExecutionMode.TRAP, 16L << 20);
        assertEquals("sum 5050\n", result.serial());
        assertEquals(new VmExit.DebugExit(7), result.exit());
    }

    @Test
    void aCompileErrorIsOneLineFromGcc() throws Exception {
        Path source = dir.resolve("broken.c");
        Files.writeString(source, "int main(void) { return undeclared_name; }\n");
        GuestImageException e = assertThrows(GuestImageException.class, () -> GuestImages.resolve(source.toString()));
        assertEquals(GuestImageException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("undeclared_name") && e.getMessage().contains("error"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
