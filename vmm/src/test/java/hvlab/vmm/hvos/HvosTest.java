package hvlab.vmm.hvos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hvlab.vmm.ExecutionMode;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.VmExit;
import hvlab.vmm.devices.PlatformOptions;
import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * hvos, the teaching OS hvlab ships (guests/src/main/c/hvos), booted under the real CPU from its
 * built-in kernel and disk, and driven at its shell over the serial line the way a user would.
 * Nothing here measures time: each step waits until the console shows what it waits for.
 */
class HvosTest {
    @TempDir
    Path dir;

    private Vm boot(ExecutionMode mode, boolean withDisk) throws Exception {
        PlatformOptions platform = PlatformOptions.DEFAULT;
        if (withDisk) {
            byte[] disk = GuestImages.builtInDisk("hvos");
            assertNotNull(disk, "the guests build ships hvos.img");
            platform = platform.withDisk(Files.write(dir.resolve("hvos-" + mode.label() + ".img"), disk));
        }
        VmConfig config = VmConfig.of(GuestImages.resolve("hvos")).withMode(mode)
                .withTimeout(Duration.ofSeconds(60)).withPlatform(platform);
        Vm vm = new Vm(config, b -> { });
        vm.boot();
        return vm;
    }

    private static String console(Vm vm) {
        return vm.console().text();
    }

    /** Runs slices until the console satisfies {@code done} or the VM ends; skips the clock over halts. */
    private static SliceResult runUntil(Vm vm, Predicate<String> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        SliceResult last = null;
        while (!done.test(console(vm)) && System.nanoTime() < deadline) {
            last = vm.runSlice(Duration.ofMillis(5));
            switch (last) {
                case SliceResult.Ended ended -> { return ended; }
                case SliceResult.Halted halted -> {
                    if (halted.nanosUntilEvent() == SliceResult.NEVER) return halted;
                    vm.advanceClock(halted.nanosUntilEvent());
                }
                default -> { }
            }
        }
        return last;
    }

    private static int prompts(String text) {
        int n = 0;
        for (int i = text.indexOf("$ "); i >= 0; i = text.indexOf("$ ", i + 2)) n++;
        return n;
    }

    /** Types a command line and returns what the shell printed for it (up to its next prompt). */
    private static String command(Vm vm, String line) {
        String before = console(vm);
        int waitFor = prompts(before) + 1;
        vm.sendInput((line + "\n").getBytes(StandardCharsets.US_ASCII));
        SliceResult last = runUntil(vm, text -> prompts(text) >= waitFor && text.endsWith("$ "));
        String after = console(vm);
        assertFalse(last instanceof SliceResult.Ended, "hvos ended after '" + line + "': " + after);
        assertTrue(prompts(after) >= waitFor, "no prompt after '" + line + "': " + after);
        return after.substring(before.length());
    }

    /** Boots to the shell's first prompt; skipped (not failed) on a VMM that cannot page yet. */
    private Vm bootToShell(ExecutionMode mode) throws Exception {
        Vm vm = boot(mode, true);
        SliceResult last = runUntil(vm, text -> text.contains("$ "));
        if (last instanceof SliceResult.Ended ended && ended.exit() instanceof VmExit.NotEmulated n) {
            vm.close();
            assumeFalse(n.instruction().contains("paging not supported"), "this VMM cannot page yet: " + n.describe());
        }
        assertTrue(console(vm).endsWith("$ "), "no shell prompt: " + console(vm) + " / " + last);
        return vm;
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionMode.class, names = {"TRAP"})
    void bootsReadsItsDiskAndTurnsPagingOn(ExecutionMode mode) throws Exception {
        try (Vm vm = boot(mode, true)) {
            runUntil(vm, text -> text.contains("paging"));
            String text = console(vm);
            assertTrue(text.startsWith("hvos: a small teaching OS\nmemory: "), text);
            assertTrue(text.contains(" KiB free, RAM up to 0x01000000\n"), "16 MiB from the Multiboot memory map: " + text);
            assertTrue(text.contains("\ndisk: 18 files\n"), "sixteen programs, kallsyms and the README on hvos.img: " + text);
        }
    }

    @Test
    void withoutItsDiskPanicsWithOneClearLine() throws Exception {
        try (Vm vm = boot(ExecutionMode.TRAP, false)) {
            SliceResult end = runUntil(vm, text -> false);
            assertEquals(new VmExit.DebugExit(3), assertInstanceOf(SliceResult.Ended.class, end).exit(), console(vm));
            assertTrue(console(vm).endsWith("\npanic: no disk: hvos loads its programs from the ATA disk (give the VM hvos.img)\n"),
                    console(vm));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionMode.class, names = {"TRAP"})
    void theShellRunsProgramsFromTheDisk(ExecutionMode mode) throws Exception {
        try (Vm vm = bootToShell(mode)) {
            assertTrue(console(vm).contains("paging: on\ninit: starting sh\n$ "), console(vm));
            assertEquals("echo hi\nhi\n$ ", command(vm, "echo hi"));
            String ls = command(vm, "ls");
            for (String file : List.of("README", "cat", "echo", "fault", "hello", "hostname", "ifconfig", "init", "kallsyms", "loop", "ls",
                    "ping", "ps", "rootkit", "send", "sh", "sleep", "udpecho")) {
                assertTrue(ls.lines().anyMatch(l -> l.startsWith(file + " ")), file + " in: " + ls);
            }
            String cat = command(vm, "cat README");
            assertTrue(cat.startsWith("cat README\nhvos: a small teaching OS, shipped with hvlab.\n"), cat);
            assertTrue(cat.contains("\nTry: ls, ps, hello"), cat);
            assertTrue(command(vm, "cat nosuch").matches("cat nosuch\ncat: nosuch: no such file\nsh: \\d+ exited with status 1\n\\$ "));
            assertEquals("frobnicate\nsh: frobnicate: no such file\n$ ", command(vm, "frobnicate"));
            assertTrue(command(vm, "hello").matches("(?s)hello\nhello from pid \\d+, at CPL 3, \\d+\\.\\d\\d s after boot\n\\$ "));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionMode.class, names = {"TRAP"})
    void processesAreListedPreemptedAndKilledAlone(ExecutionMode mode) throws Exception {
        try (Vm vm = bootToShell(mode)) {
            String ps = command(vm, "ps");
            assertTrue(ps.startsWith("ps\n  PID  PPID STATE     PAGES NAME\n"), ps);
            // init and sh wait for a child; either may also still be on its way there, preempted
            assertTrue(ps.lines().anyMatch(l -> l.matches(" +1 +0 (sleeping|runnable) +\\d+ init")), ps);
            assertTrue(ps.lines().anyMatch(l -> l.matches(" +2 +1 (sleeping|runnable) +\\d+ sh")), ps);
            assertTrue(ps.lines().anyMatch(l -> l.matches(" +\\d+ +2 running +\\d+ ps")), ps);

            String loop = command(vm, "loop &");
            assertTrue(loop.matches("(?s)loop &\n\\[\\d+\\] loop\n\\$ "), loop);
            // loop never makes a system call: the shell answers only because the timer preempts it
            assertEquals("echo still here\nstill here\n$ ", command(vm, "echo still here"));
            String busy = command(vm, "ps");
            assertTrue(busy.lines().anyMatch(l -> l.matches(" +\\d+ +2 (runnable|running) +\\d+ loop")), busy);

            String fault = command(vm, "fault");
            assertTrue(fault.matches("(?s)fault\nfault: reading address 0\\.\\.\\.\n"
                    + "fault: pid \\d+ \\(fault\\) killed: page fault at 0x00000000 \\(eip 0x4[0-9a-f]{7}\\)\n"
                    + "sh: \\d+ exited with status -1\n\\$ "), fault);
            assertEquals("echo alive\nalive\n$ ", command(vm, "echo alive"), "the system runs on");
            for (String[] kind : new String[][] {{"kernel", "page fault at 0x00100000"}, {"code", "page fault at 0x4[0-9a-f]{7}"},
                    {"io", "general protection fault"},
                    {"cli", "general protection fault"}, {"div", "divide error"}}) {
                String out = command(vm, "fault " + kind[0]);
                assertTrue(out.matches("(?s)fault " + kind[0] + "\nfault: [^\n]*\n"
                        + "fault: pid \\d+ \\(fault\\) killed: " + kind[1] + " .*\nsh: \\d+ exited with status -1\n\\$ "), out);
            }
            String after = command(vm, "ps");
            assertFalse(after.contains("fault"), after);
            assertTrue(after.contains(" loop\n"), after);
        }
    }

    @Test
    void theProfileFindsInitAndShInTheProcessTable() throws Exception {
        byte[] json = GuestImages.class.getResourceAsStream("/guests/hvos.profile.json").readAllBytes();
        JsonNode profile = new ObjectMapper().readTree(json);
        JsonNode table = profile.get("proc_table");
        assertEquals(profile.get("symbols").get("proc_table").asLong(), table.get("address").asLong());
        assertEquals(profile.get("symbols").get("syscall_table").asLong(), profile.get("syscall_table").get("address").asLong());
        assertTrue(profile.get("syscall_table").get("count").asInt() >= 13);
        assertTrue(profile.get("kernel_text").get("start").asLong() < profile.get("kernel_text").get("end").asLong());
        try (Vm vm = bootToShell(ExecutionMode.TRAP)) {
            JsonNode fields = table.get("fields");
            List<String> found = new ArrayList<>();
            for (int i = 0; i < table.get("count").asInt(); i++) {
                long entry = table.get("address").asLong() + (long) i * table.get("entry_size").asInt();
                int pid = vm.ram().read(entry + fields.get("pid").get("offset").asInt(), 4);
                if (pid == 0) continue;
                byte[] name = vm.ram().readBytes(entry + fields.get("name").get("offset").asInt(), fields.get("name").get("size").asInt());
                int end = 0;
                while (end < name.length && name[end] != 0) end++;
                String state = table.get("states").get(String.valueOf(vm.ram().read(entry + fields.get("state").get("offset").asInt(), 4))).asText();
                int pgdir = vm.ram().read(entry + fields.get("pgdir").get("offset").asInt(), 4);
                assertTrue(pgdir != 0 && (pgdir & 0xFFF) == 0, "a page directory, page-aligned: " + Integer.toHexString(pgdir));
                found.add(pid + " " + new String(name, 0, end, StandardCharsets.US_ASCII) + " " + state);
            }
            assertEquals(2, found.size(), found.toString());
            assertTrue(found.get(0).matches("1 init (sleeping|runnable|running)"), found.toString()); // caught wherever the prompt stopped it
            assertTrue(found.get(1).matches("2 sh (sleeping|runnable|running)"), found.toString());
        }
    }

    /*
     * bt mode: the VMM performs hvos's string I/O itself and writes guest memory inside a code
     * hook; with paging on that once flushed every translation there and killed the JVM, and a
     * REP INSW was read as INSD (RegressionGuestsTest, AttackGuestsTest's paging-string-io).
     */
    @Test
    void bootsReadsItsDiskAndTurnsPagingOnInBtMode() throws Exception {
        bootsReadsItsDiskAndTurnsPagingOn(ExecutionMode.BT);
    }

    @Test
    void theShellRunsProgramsFromTheDiskInBtMode() throws Exception {
        theShellRunsProgramsFromTheDisk(ExecutionMode.BT);
    }

    @Test
    void processesAreListedPreemptedAndKilledAloneInBtMode() throws Exception {
        processesAreListedPreemptedAndKilledAlone(ExecutionMode.BT);
    }
}
