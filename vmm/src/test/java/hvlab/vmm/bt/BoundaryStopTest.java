package hvlab.vmm.bt;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.VmResult;
import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.NasmAssembler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Preempting a guest very often must change nothing it can see. A guest prints a long text
 * through COM1 (polling the line status, so every character is an IN and an OUT, and in bt mode
 * two watched instructions) while the VM's slices are as short as they go: thousands of stops
 * at block boundaries. In bt mode those stops used to leave EIP wherever Unicorn last wrote it,
 * not at the block where the CPU stopped, and the guest lost and repeated characters, or ran
 * off into memory.
 */
class BoundaryStopTest {
    private static final String LINE = "the quick brown fox jumps over the lazy dog 0123456789\n";
    private static final int LINES = 40;

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void manySlicesLoseNoCharacter(ExecutionMode mode) throws Exception {
        GuestImage image = printer();
        for (int run = 0; run < 5; run++) {
            try (Vm vm = new Vm(new VmConfig(image, 4L << 20, mode, Duration.ofSeconds(20)), b -> { })) {
                vm.setTimeSlice(Duration.ofNanos(1));
                VmResult result = vm.run();
                assertEquals(new VmExit.DebugExit(0), result.exit(), result.exit().describe());
                assertEquals(LINE.repeat(LINES), result.serial(), "run " + run);
            }
        }
    }

    private static GuestImage printer() throws Exception {
        Path dir = Files.createTempDirectory("hvlab-boundary");
        Path source = dir.resolve("printer.asm");
        Files.writeString(source, """
                bits 32
                org 0x100000
                %%include "abi.inc"
                        mov ecx, %d
                again:  mov esi, line
                        call print
                        loop again
                        debug_exit 0
                line:   db "%s", 10, 0
                %%include "serial.inc"
                """.formatted(LINES, LINE.strip()));
        return new GuestImage("printer", NasmAssembler.assemble(source));
    }
}
