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
 * <p>Under trap-and-emulate with the interrupt flag mirrored, and under binary translation, it
 * boots to its shell and runs what a student types. Under plain trap-and-emulate it stops where
 * the paper says such a VMM must: {@code mycpu()} reads the interrupt flag with PUSHF, which at
 * CPL 3 runs natively and shows the real IF (1), not the virtual one its CLI cleared.
 *
 * <p>The VMM checks after every slice that the guest still runs at real CPL 3 (and IOPL 0, not
 * in virtual-8086 mode, on the VMM's tables) and ends it otherwise, so a boot that reaches the
 * prompt ran its kernel deprivileged the whole time.
 */
class Xv6Test {
    /** Generous: the machine running the suite may be shared; xv6 needs seconds when it is not. */
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    private static VmConfig config(ExecutionMode mode, boolean mirror) throws Exception {
        Xv6Fixture.Built xv6 = Xv6Fixture.build();
        Assumptions.assumeTrue(xv6 != null, () -> "xv6 skipped: " + Xv6Fixture.unavailable());
        Path disk = Files.createTempFile("xv6-fs", ".img");
        Files.copy(xv6.fsImage(), disk, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        disk.toFile().deleteOnExit();
        return new VmConfig(GuestImages.resolve(xv6.kernel().toString()), 256L << 20, mode, PATIENCE)
                .withPlatform(PlatformOptions.DEFAULT.withApic(true).withDisk(disk)).withMirroredInterruptFlag(mirror);
    }

    private static Vm boot(ExecutionMode mode, boolean mirror) throws Exception {
        Vm vm = new Vm(config(mode, mirror), b -> { });
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

    /** Types {@code line} at the shell and returns what the console shows from then to the next prompt. */
    private static String type(Vm vm, String line) {
        int before = vm.console().text().length();
        vm.sendInput((line + "\n").getBytes(StandardCharsets.US_ASCII));
        runUntil(vm, v -> v.console().text().length() > before + line.length() + 1 && v.console().text().endsWith("$ "), line);
        return vm.console().text().substring(before);
    }

    private static void assertListing(String listing) {
        // ls prints name, type, inode number and size: the root directory, README, the programs, the console device
        assertTrue(listing.matches("(?s)ls\\n\\.\\s+1 1 512\\n\\.\\.\\s+1 1 512\\nREADME\\s+2 2 \\d+\\n.*"), listing);
        for (String program : new String[] {"cat", "echo", "forktest", "grep", "init", "kill", "ln", "ls", "mkdir", "rm", "sh",
                "stressfs", "usertests", "wc", "zombie"}) {
            assertTrue(listing.contains("\n" + program + " "), program + " missing from: " + listing);
        }
        assertTrue(listing.contains("\nconsole        3 "), listing);
    }

    /**
     * The script, under trap-and-emulate: boot, {@code echo}, {@code cat README},
     * {@code ls}, {@code forktest}; then the running xv6 is saved (the host's VmState, RAM and
     * devices), restored into a new machine, and goes on where it was.
     */
    @Test
    void underTrapAndEmulateWithTheInterruptFlagMirroredItBootsRunsTheShellAndSurvivesSaveAndRestore() throws Exception {
        VmConfig config = config(ExecutionMode.TRAP, true);
        try (Vm vm = new Vm(config, b -> { }); Vm copy = new Vm(config, b -> { })) {
            vm.boot();
            runUntil(vm, v -> v.console().text().endsWith("init: starting sh\n$ "), "shell prompt");
            assertTrue(vm.console().text().startsWith("xv6...\ncpu0: starting 0\nsb: size 1000"), vm.console().text());
            assertEquals("echo hello\nhello\n$ ", type(vm, "echo hello"), "the line echoed as typed, then echo's output");
            String readme = type(vm, "cat README");
            assertTrue(readme.startsWith("cat README\nNOTE: we have stopped maintaining the x86 version of xv6"), readme);
            assertTrue(readme.contains("xv6 is a re-implementation of Dennis Ritchie's and Ken Thompson's Unix"), readme);
            assertListing(type(vm, "ls"));
            assertEquals("forktest\nfork test\nfork test OK\n$ ", type(vm, "forktest"));
            assertTrue(vm.counters().get(TrapKind.PRIVILEGED) > 10_000, "cli and sti of every spinlock trapped: " + vm.counters());
            assertNull(vm.exit(), "still running, deprivileged");
            copy.restore(vm.save()); // the machine whole: registers, the virtual CPU, RAM, the APICs, the disk controller
            assertEquals("echo restored\nrestored\n$ ", type(copy, "echo restored"), "the restored xv6 goes on from its prompt");
            assertListing(type(copy, "ls"));
        }
    }

    @Test
    void underBinaryTranslationItBootsToItsShellAndRunsEchoAndLs() throws Exception {
        try (Vm vm = boot(ExecutionMode.BT, false)) {
            runUntil(vm, v -> v.console().text().endsWith("init: starting sh\n$ "), "shell prompt");
            assertEquals("echo hi\nhi\n$ ", type(vm, "echo hi"));
            assertListing(type(vm, "ls"));
            assertTrue(vm.counters().get(TrapKind.PRIVILEGED) > 1000, "cli/sti of every spinlock trapped: " + vm.counters());
        }
    }

    @Test
    void underPlainTrapAndEmulateItPanicsAtItsFirstPushfOfTheInterruptFlag() throws Exception {
        try (Vm vm = boot(ExecutionMode.TRAP, false)) {
            runUntil(vm, v -> String.join("\n", v.platform().cga().screen(v.ram())).contains("panic"), "panic");
            String screen = String.join("\n", vm.platform().cga().screen(vm.ram()));
            assertTrue(screen.contains("panic: mycpu called with interrupts enabled"), screen);
        }
    }

    /**
     * usertests, xv6's own test of its kernel (fork and exec by the hundred, pipes, the file
     * system, {@code sbrk}, and {@code mem}, which mallocs until the kernel runs out of frames):
     * ALL TESTS PASSED, in trap mode. Only where the emulator's page walk translates (Unicorn 2.1,
     * DESIGN.md section 18); on 2.0.1 {@code mem} needs more of QEMU's RAM blocks than it can map
     * in useful time (section 17). About a minute and a half, so only with {@code HV_USERTESTS=1}: the
     * suite stays under ten.
     */
    @Test
    void usertestsPassesWhereTheEmulatorTranslates() throws Exception {
        Assumptions.assumeTrue(System.getenv("HV_USERTESTS") != null,
                "usertests skipped: it takes about a minute and a half in trap mode; run it with HV_USERTESTS=1 ./hv test -pl vmm -am "
                        + "-Dtest=Xv6Test -Dsurefire.failIfNoSpecifiedTests=false");
        Assumptions.assumeTrue(hvlab.cpu.unicorn.UnicornBackend.version().compareTo("2.1") >= 0,
                () -> "usertests skipped: Unicorn " + hvlab.cpu.unicorn.UnicornBackend.version() + " maps linear = physical ("
                        + "./hv fetches Unicorn 2.1, DESIGN.md section 18)");
        try (Vm vm = boot(ExecutionMode.TRAP, true)) {
            runUntil(vm, v -> v.console().text().endsWith("init: starting sh\n$ "), "shell prompt");
            String report = type(vm, "usertests");
            assertTrue(report.contains("\nmem ok\n"), report);
            assertTrue(report.endsWith("ALL TESTS PASSED\n$ "), report);
            assertEquals(0, vm.mmu().counters().moves(), "no frame moves where the emulator translates");
        }
    }
}
