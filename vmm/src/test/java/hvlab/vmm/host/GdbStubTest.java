package hvlab.vmm.host;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The real thing: a C guest with symbols runs on a host, {@code vm gdb}'s stub serves it, and
 * the real gdb (in batch mode) sets a breakpoint on a function by name, continues to it, prints a
 * global variable, steps, and detaches; the guest runs on, its memory never written.
 */
class GdbStubTest {
    /** tick() adds its argument to a global; main calls it with 1, 2, 3, ... for ever. */
    private static final String GUEST = """
            #include "hvlab.h"
            volatile unsigned counter;
            volatile unsigned calls;
            __attribute__((noinline)) void tick(unsigned n) {
                calls = calls + 1;
                counter = counter + n;
            }
            int main(uint32_t magic, struct multiboot_info *info) {
                for (unsigned i = 1; ; i++) {
                    tick(i);
                }
                return 0;
            }
            """;

    @TempDir
    Path dir;
    private Host host;

    @BeforeEach
    void host() throws IOException {
        Assumptions.assumeTrue(gdbInstalled(), "gdb is not installed here (CI installs it): the stub's gdb test is skipped");
        host = new Host("local", dir.resolve("store"), 1);
    }

    @AfterEach
    void close() {
        if (host != null) host.close();
    }

    private static boolean gdbInstalled() {
        try {
            Process p = new ProcessBuilder("gdb", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private String gdb(Path elf, int port, String... commands) throws Exception {
        List<String> command = new ArrayList<>(List.of("gdb", "-batch", "-nx", elf.toString(),
                "-ex", "set confirm off", "-ex", "target remote 127.0.0.1:" + port));
        for (String c : commands) {
            command.add("-ex");
            command.add(c);
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "gdb did not finish");
        return new String(out, StandardCharsets.UTF_8);
    }

    private static long value(String output, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + " = (\\d+)").matcher(output);
        assertTrue(m.find(), "no '" + name + " = N' in gdb's output:\n" + output);
        return Long.parseLong(m.group(1));
    }

    /** In trap mode and under binary translation, whose watched sites share the CPU's code hooks with breakpoints. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"trap", "bt"})
    void gdbBreaksAtAFunctionPrintsAGlobalStepsAndDetaches(String mode) throws Exception {
        Path source = dir.resolve("ticker.c");
        Files.writeString(source, GUEST);
        host.create(new VmSpec("k", source.toString(), "4M", null, 256, 0, mode, false));
        host.act("k", PowerAction.START, "test");
        Path elf = host.store().folder("k").resolve(VmStore.IMAGE);
        int port = host.serveGdb("k", 0, "test");

        String out = gdb(elf, port, "break tick", "continue", "print $calls1 = calls", "print $counter1 = counter",
                "continue", "print $calls2 = calls", "print $counter2 = counter", "info registers eip", "stepi",
                "info registers eip", "print $pc != tick", "detach");
        assertTrue(out.contains("Breakpoint 1 at"), out);
        assertTrue(out.contains("Breakpoint 1, tick"), "gdb must stop in tick:\n" + out);
        long calls1 = value(out, "$1");
        long counter1 = value(out, "$2");
        long calls2 = value(out, "$3");
        long counter2 = value(out, "$4");
        assertEquals(calls1 + 1, calls2, "one call of tick between two stops at its breakpoint:\n" + out);
        // tick(n) is called with n = calls + 1, so counter grows by exactly that.
        assertEquals(counter1 + calls1 + 1, counter2, out);
        assertTrue(Pattern.compile("eip\\s+0x[0-9a-f]+\\s+0x[0-9a-f]+ <tick").matcher(out).find(), out);
        assertTrue(out.contains("$5 = 1"), "stepi moves off the breakpoint:\n" + out);
        assertEquals("running", host.info("k").state(), "after the detach the guest runs on");
        long later = calls2;
        for (int i = 0; i < 100 && later == calls2; i++) {
            Thread.sleep(20);
            later = Integer.toUnsignedLong(readCalls(elf, port));
        }
        assertTrue(later > calls2, "the guest went on calling tick after gdb left");
    }

    /** calls, read by a second gdb session (which pauses the VM and lets it go again). */
    private int readCalls(Path elf, int port) throws Exception {
        return (int) value(gdb(elf, port, "print calls", "detach"), "$1");
    }
}
