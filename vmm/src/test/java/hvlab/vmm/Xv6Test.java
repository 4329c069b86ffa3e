package hvlab.vmm;

import hvlab.vmm.devices.PlatformOptions;
import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * MIT's xv6, unmodified, deprivileged: its kernel at real CPL 3 on shadow page tables, the APIC
 * machine it expects, its file system on the IDE disk. Built from the fixture beside the
 * repository ({@link Xv6Fixture}); skipped, saying why, without it.
 *
 * <p>Under binary translation it boots to its shell, which runs {@code echo} and {@code ls}
 * (opt-in, see below).
 * Under plain trap-and-emulate it stops where the paper says such a VMM must: xv6's
 * {@code mycpu()} reads the interrupt flag with PUSHF, which at CPL 3 runs natively and shows
 * the real IF (1), not the virtual one its CLI cleared, and xv6 panics.
 */
class Xv6Test {
    /** Generous: the machine running the suite may be shared; xv6 needs seconds when it is not. */
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    private static Vm boot(ExecutionMode mode) throws Exception {
        Xv6Fixture.Built xv6 = Xv6Fixture.build();
        Assumptions.assumeTrue(xv6 != null, () -> "xv6 skipped: " + Xv6Fixture.unavailable());
        Path disk = Files.createTempFile("xv6-fs", ".img");
        Files.copy(xv6.fsImage(), disk, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        disk.toFile().deleteOnExit();
        VmConfig config = new VmConfig(GuestImages.resolve(xv6.kernel().toString()), 256L << 20, mode, PATIENCE)
                .withPlatform(PlatformOptions.DEFAULT.withApic(true).withDisk(disk));
        Vm vm = new Vm(config, b -> { });
        vm.boot();
        return vm;
    }

    /** Runs until {@code done} or the VM ends; fails after {@link #PATIENCE}. */
    private static void runUntil(Vm vm, Predicate<Vm> done, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!done.test(vm)) {
            assertTrue(System.nanoTime() < deadline, "no " + what + " after " + PATIENCE + "; console: " + vm.console().text());
            SliceResult slice = vm.runSlice(Duration.ofMillis(20));
            if (slice instanceof SliceResult.Ended ended) {
                fail("xv6 ended before " + what + ": " + ended.exit().describe() + "; console: " + vm.console().text());
            }
            if (slice instanceof SliceResult.Halted halted && halted.nanosUntilEvent() != SliceResult.NEVER) {
                vm.advanceClock(halted.nanosUntilEvent());
            }
        }
    }

    private static Predicate<Vm> consoleEndsWith(String text) {
        return vm -> vm.console().text().endsWith(text);
    }

    /**
     * Opt-in (HVLAB_XV6_BOOT=1): it takes 70-100 s. It used to crash in some runs soon after
     * "init: starting sh" (a page fault at 0x8e000000: a stop from the unmapped-memory hook
     * replayed memset's prologue, DESIGN.md section 17); that is fixed.
     */
    @Test
    void bootsToItsShellUnderBinaryTranslationAndRunsEchoAndLs() throws Exception {
        Assumptions.assumeTrue(System.getenv("HVLAB_XV6_BOOT") != null, "xv6's boot to its shell skipped: set HVLAB_XV6_BOOT=1 "
                + "(it takes 70-100 s)");
        try (Vm vm = boot(ExecutionMode.BT)) {
            runUntil(vm, consoleEndsWith("init: starting sh\n$ "), "shell prompt");
            assertTrue(vm.console().text().startsWith("xv6...\ncpu0: starting 0\nsb: size 1000"), vm.console().text());
            int before = vm.console().text().length();
            vm.sendInput("echo hi\n".getBytes(StandardCharsets.US_ASCII));
            runUntil(vm, v -> v.console().text().substring(before).endsWith("hi\n$ "), "echo's output");
            assertEquals("echo hi\nhi\n$ ", vm.console().text().substring(before), "the line echoed as typed, then echo's output");
            int afterEcho = vm.console().text().length();
            vm.sendInput("ls\n".getBytes(StandardCharsets.US_ASCII));
            runUntil(vm, v -> v.console().text().substring(afterEcho).contains("console") && v.console().text().endsWith("$ "),
                    "ls's listing");
            String listing = vm.console().text().substring(afterEcho);
            // ls prints name, type, inode number and size: the root directory, README, the programs, the console device
            assertTrue(listing.matches("(?s)ls\\n\\.\\s+1 1 512\\n\\.\\.\\s+1 1 512\\nREADME\\s+2 2 \\d+\\n.*"), listing);
            for (String program : new String[] {"cat", "echo", "forktest", "grep", "init", "kill", "ln", "ls", "mkdir", "rm", "sh",
                    "stressfs", "usertests", "wc", "zombie"}) {
                assertTrue(listing.contains("\n" + program + " "), program + " missing from: " + listing);
            }
            assertTrue(listing.contains("\nconsole        3 "), listing);
            assertTrue(vm.counters().get(TrapKind.PRIVILEGED) > 1000, "cli/sti of every spinlock trapped: " + vm.counters());
        }
    }

    @Test
    void underPlainTrapAndEmulateItPanicsAtItsFirstPushfOfTheInterruptFlag() throws Exception {
        try (Vm vm = boot(ExecutionMode.TRAP)) {
            runUntil(vm, v -> String.join("\n", v.platform().cga().screen(v.ram())).contains("panic"), "panic");
            String screen = String.join("\n", vm.platform().cga().screen(vm.ram()));
            assertTrue(screen.contains("panic: mycpu called with interrupts enabled"), screen);
        }
    }
}
