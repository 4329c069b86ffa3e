package hvlab.vmm;

import hvlab.vmm.devices.PlatformOptions;
import hvlab.vmm.image.GuestImages;
import hvlab.vmm.state.VmState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The built-in guests that use the devices, each booted under the real CPU and driven the way a
 * host drives a VM: slices, virtual time skipped while the guest halts, input and the power
 * button from outside.
 */
class DeviceGuestsTest {
    static final long MS = 1_000_000;

    @TempDir
    Path dir;

    static VmConfig config(String guest) throws Exception {
        return VmConfig.of(GuestImages.resolve(guest)).withTimeout(Duration.ofSeconds(20));
    }

    /**
     * Runs slices until {@code done} holds, the VM ends, or it halts with nothing coming from its
     * own devices (it waits for the outside world). A halted guest's clock skips to the next tick.
     */
    static SliceResult runUntil(Vm vm, Predicate<Vm> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        SliceResult last = null;
        while (!done.test(vm) && System.nanoTime() < deadline) {
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

    static Predicate<Vm> printed(String text) {
        return vm -> vm.console().text().contains(text);
    }

    static String counted(int from, int to) {
        StringBuilder lines = new StringBuilder();
        for (int i = from; i <= to; i++) lines.append("count ").append(i).append('\n');
        return lines.toString();
    }

    @Test
    void counterCountsTenLinesASecondAndCarriesOnAfterAPauseAndARestore() throws Exception {
        VmConfig config = config("counter");
        VmState saved;
        try (Vm vm = new Vm(config, b -> { })) {
            vm.boot();
            runUntil(vm, printed("count 3\n"));
            assertEquals(counted(1, 3), vm.console().text());
            // 300 ms of ticks, plus the CPU time the guest used (more on a loaded machine)
            assertTrue(vm.virtualNanos() >= 300 * MS && vm.virtualNanos() < 500 * MS,
                    "ten lines a second of virtual time: " + vm.virtualNanos());
            Thread.sleep(50);                               // paused: no slices, no virtual time
            runUntil(vm, printed("count 4\n"));
            assertEquals(counted(1, 4), vm.console().text(), "a pause loses and repeats nothing");
            saved = vm.save();
            try (Vm fresh = new Vm(config, b -> { })) {
                fresh.restore(saved);
                runUntil(fresh, printed("count 6\n"));
                assertEquals(counted(1, 6), fresh.console().text(), "the restored guest counts on from its memory");
            }
        }
    }

    @Test
    void spinnerReportsItsIterationsEveryHundredTicksWhileNeverTrapping() throws Exception {
        try (Vm vm = new Vm(config("spinner"), b -> { })) {
            vm.setClockDrivenExternally(true);
            vm.boot();
            Pattern report = Pattern.compile("spinner: ticks (\\d+) iterations (\\d+)\n");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (report.matcher(vm.console().text()).results().count() < 2 && System.nanoTime() < deadline) {
                assertInstanceOf(SliceResult.Ran.class, vm.runSlice(Duration.ofMillis(1)), "a busy guest never halts");
                vm.advanceClock(2 * MS);                   // the host's clock: 2 ms a slice
            }
            Matcher reports = report.matcher(vm.console().text());
            assertTrue(reports.find(), vm.console().text());
            assertEquals("100", reports.group(1));
            assertTrue(Long.parseLong(reports.group(2)) > 1000, "the loop ran: " + reports.group(2));
            assertTrue(reports.find());
            assertEquals("200", reports.group(1));
        }
    }

    @Test
    void diskioSavedMidTransferAsJsonFinishesOnACopyOfItsDisk() throws Exception {
        Path disk = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        Path copyDisk = dir.resolve("copy.img");
        // The disk moves 256 KiB a second of virtual time (16 KiB at once), and the first VM's clock
        // moves only as the test says: 40 slices of 1 ms let through at most 26 KiB of the 128 the
        // guest moves, however fast or slow this machine runs the slices.
        PlatformOptions.DiskLimits limits = new PlatformOptions.DiskLimits(256 << 10, 0, 16 << 10, 0);
        VmConfig onCopy = config("diskio").withPlatform(PlatformOptions.DEFAULT.withDisk(copyDisk).withDiskLimits(limits));
        try (hvlab.cpu.GuestMemory ram = new hvlab.cpu.GuestMemory(onCopy.memoryBytes())) {
            byte[] json;
            try (Vm vm = new Vm(config("diskio").withPlatform(PlatformOptions.DEFAULT.withDisk(disk).withDiskLimits(limits)), b -> { })) {
                vm.boot();
                vm.setClockDrivenExternally(true);
                for (int i = 0; i < 40; i++) {
                    assertFalse(vm.runSlice(Duration.ofNanos(97_000)) instanceof SliceResult.Ended, "saved before the end");
                    vm.advanceClock(1_000_000);
                }
                VmState saved = vm.save();
                json = hvlab.vmm.state.VmStateCodec.encode(saved);
                ram.copyFrom(saved.ram()); // RAM travels apart
                Files.copy(disk, copyDisk);
            }
            assertTrue(new String(json, java.nio.charset.StandardCharsets.UTF_8).contains("\"device\" : \"AtaDisk\""));
            try (Vm fresh = new Vm(onCopy, b -> { })) {
                fresh.restore(hvlab.vmm.state.VmStateCodec.decode(json, ram));
                SliceResult end = runUntil(fresh, v -> false);
                assertEquals(new VmExit.DebugExit(0), assertInstanceOf(SliceResult.Ended.class, end).exit(), fresh.console().text());
                assertTrue(fresh.console().text().contains("64 sectors written and verified"), fresh.console().text());
            }
        }
    }

    @Test
    void diskioWritesAndVerifies64Sectors() throws Exception {
        Path disk = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        VmResult result = TestGuests.run(config("diskio").withPlatform(PlatformOptions.DEFAULT.withDisk(disk)));
        assertEquals(new VmExit.DebugExit(0), result.exit(), result.serial());
        assertTrue(result.serial().startsWith("diskio: 64 sectors written and verified\ndiskio: 64 KiB moved in "),
                result.serial());
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(disk)).order(ByteOrder.LITTLE_ENDIAN);
        for (int sector = 0; sector < 64; sector++) {
            for (int i = 0; i < 128; i++) {
                assertEquals((sector << 16 | i) ^ 0xA5000000, bytes.getInt(sector * 512 + i * 4));
            }
        }
        assertEquals(0, bytes.getInt(64 * 512), "sector 64 untouched");
    }

    @Test
    void diskioReportsAMissingDiskAndADiskTooSmall() throws Exception {
        VmResult none = TestGuests.run(config("diskio"));
        assertEquals(new VmExit.DebugExit(1), none.exit());
        assertEquals("diskio: no disk on the primary ATA channel\n", none.serial());

        Path small = Files.write(dir.resolve("small.img"), new byte[32 * 512]);
        VmResult idnf = TestGuests.run(config("diskio").withPlatform(PlatformOptions.DEFAULT.withDisk(small)));
        assertEquals(new VmExit.DebugExit(2), idnf.exit(), "sectors 32-63 do not exist: ERR, IDNF");
        assertEquals("diskio: the drive reported an error\n", idnf.serial());
    }

    @Test
    void shutdownAwareCleansUpAndPowersOffWhenTheButtonIsPressed() throws Exception {
        try (Vm vm = new Vm(config("shutdown-aware"), b -> { })) {
            vm.boot();
            SliceResult waiting = runUntil(vm, v -> false);
            assertEquals(SliceResult.NEVER, assertInstanceOf(SliceResult.Halted.class, waiting).nanosUntilEvent(),
                    "idle until something happens outside");
            assertEquals("running\n", vm.console().text());
            vm.pressPowerButton();
            SliceResult end = runUntil(vm, v -> false);
            assertEquals(new VmExit.PowerOff(), assertInstanceOf(SliceResult.Ended.class, end).exit());
            assertEquals("running\npower button: cleaning up\ngoodbye\n", vm.console().text());
        }
    }

    @Test
    void typistEchoesWhatIsTypedAndQuitsOnQuit() throws Exception {
        try (Vm vm = new Vm(config("typist"), b -> { })) {
            vm.boot();
            runUntil(vm, v -> false);
            vm.sendInput("hello\r\nworld\n".getBytes());
            runUntil(vm, v -> false);
            vm.sendInput("quit\n".getBytes());
            SliceResult end = runUntil(vm, v -> false);
            assertEquals(new VmExit.DebugExit(0), assertInstanceOf(SliceResult.Ended.class, end).exit());
            assertEquals("typist: type a line; \"quit\" ends\n> hello\n> world\n> quit\ntypist: bye\n", vm.console().text());
        }
    }

    @Test
    void typistTakesHelloAndQuitInOneGo() throws Exception {
        try (Vm vm = new Vm(config("typist"), b -> { })) {
            vm.boot();
            runUntil(vm, v -> false);                       // typed before the guest set up COM1, it would be lost
            vm.sendInput("hello\nquit\n".getBytes());
            SliceResult end = runUntil(vm, v -> false);
            assertEquals(new VmExit.DebugExit(0), assertInstanceOf(SliceResult.Ended.class, end).exit());
            assertEquals("typist: type a line; \"quit\" ends\n> hello\n> quit\ntypist: bye\n", vm.console().text());
        }
    }

    @Test
    void crasherTripleFaultsWhenToldTo() throws Exception {
        try (Vm vm = new Vm(config("crasher"), b -> { })) {
            vm.boot();
            runUntil(vm, v -> false);
            vm.sendInput("x".getBytes());
            assertInstanceOf(SliceResult.Halted.class, runUntil(vm, v -> false), "any other key: nothing happens");
            vm.sendInput("t".getBytes());
            SliceResult end = runUntil(vm, v -> false);
            VmExit.Fault fault = assertInstanceOf(VmExit.Fault.class, assertInstanceOf(SliceResult.Ended.class, end).exit());
            assertTrue(fault.detail().contains("triple fault"), fault.describe());
            assertEquals("crasher: type t to triple-fault\ncrasher: loading an empty IDT and dividing by zero\n",
                    vm.console().text());
        }
    }
}
