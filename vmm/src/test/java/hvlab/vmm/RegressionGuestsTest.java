package hvlab.vmm;

import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.NasmAssembler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * VMM bugs that bringing up hvos found (src/test/resources/regressions, one small guest each; the
 * file's first comment says what went wrong), kept so that they stay fixed: each guest checks
 * itself and ends with debug exit 0.
 */
class RegressionGuestsTest {

    @ParameterizedTest(name = "{0} in {1} mode")
    @CsvSource({
            "rep-insw-66-f3, BT, rep insw wrote 2 bytes",
            "rep-insw-66-f3, TRAP, rep insw wrote 2 bytes",
            "paging-user-syscall, TRAP, 2000 system calls: ok",
            "paging-user-syscall, BT, 2000 system calls: ok"})
    void staysFixed(String name, ExecutionMode mode, String expected) throws Exception {
        Path source = Path.of(RegressionGuestsTest.class.getResource("/regressions/" + name + ".asm").toURI());
        GuestImage image = new GuestImage(name, NasmAssembler.assemble(source));
        VmResult result = TestGuests.run(VmConfig.of(image).withMode(mode).withMemory(16L << 20)
                .withTimeout(Duration.ofSeconds(20)));
        assertEquals(new VmExit.DebugExit(0), result.exit(), result.exit().describe() + "; serial: " + result.serial());
        assertTrue(result.serial().contains(expected), result.serial());
    }
}
