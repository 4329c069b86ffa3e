package hvlab.vmm.host;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/** A real host: real guests on real Unicorn engines, driven through HostControl as the language drives it. */
class HostTest {
    @TempDir
    Path dir;
    final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void close() {
        hosts.forEach(Host::close);
    }

    Host host(int threads) {
        Host host = new Host("local", dir.resolve("store"), threads);
        hosts.add(host);
        return host;
    }

    String guest(String name) throws IOException {
        Path file = dir.resolve(name + ".asm");
        if (!Files.exists(file)) {
            try (InputStream in = HostTest.class.getResourceAsStream("/host/" + name + ".asm")) {
                Files.write(file, in.readAllBytes());
            }
        }
        return file.toString();
    }

    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void everyPowerTransitionAndIllegalOnesNameTheState() throws Exception {
        Host host = host(1);
        host.create(VmSpec.of("t", guest("talker")));
        assertEquals("defined", host.info("t").state());
        var refused = assertThrows(HostException.class, () -> host.act("t", PowerAction.PAUSE, "test"));
        assertEquals("cannot pause 't': it is shut off (defined)", refused.getMessage());

        assertEquals("running", host.act("t", PowerAction.START, "test").state());
        await("output", 5000, () -> host.console("t", 0).text().contains("line 00000003"));
        assertEquals("paused", host.act("t", PowerAction.PAUSE, "test").state());
        long frozen = host.console("t", 0).next();
        Thread.sleep(200);
        assertEquals(frozen, host.console("t", 0).next(), "a paused guest prints nothing");
        assertEquals("running", host.act("t", PowerAction.RESUME, "test").state());
        await("more output", 5000, () -> host.console("t", 0).next() > frozen);

        assertEquals("running", host.act("t", PowerAction.RESET, "test").state());
        assertEquals("defined", host.act("t", PowerAction.POWEROFF, "test").state());
        assertThrows(HostException.class, () -> host.act("t", PowerAction.RESUME, "test"));
        assertEquals("undefined", host.act("t", PowerAction.UNDEFINE, "test").state());
        assertFalse(Files.exists(dir.resolve("store/vms/t")), "the folder is gone");
        assertEquals("no VM named 't' on host local", assertThrows(HostException.class, () -> host.info("t")).getMessage());
    }

    @Test
    void shutdownPressesThePowerButtonAndAnAwareGuestPowersOff() throws Exception {
        Host host = host(1);
        host.create(VmSpec.of("aware", "shutdown-aware"));
        host.create(VmSpec.of("deaf", guest("talker")));
        host.act("aware", PowerAction.START, "test");
        host.act("deaf", PowerAction.START, "test");
        await("the guest to be up", 5000, () -> host.console("aware", 0).text().contains("running"));
        assertEquals("shutting-down", host.act("aware", PowerAction.SHUTDOWN, "test").state());
        await("the guest to power off", 5000, () -> host.info("aware").state().equals("defined"));
        assertTrue(host.console("aware", 0).text().contains("goodbye"), host.console("aware", 0).text());
        assertTrue(host.info("aware").lastExit().startsWith("poweroff"), host.info("aware").lastExit());
        // A guest that ignores the button stays up; poweroff is the way then.
        host.act("deaf", PowerAction.SHUTDOWN, "test");
        Thread.sleep(300);
        assertEquals("shutting-down", host.info("deaf").state());
        assertEquals("defined", host.act("deaf", PowerAction.POWEROFF, "test").state());
    }

    @Test
    void aCrashedVmKeepsItsReasonAndTheOthersRunOn() throws Exception {
        Host host = host(2);
        host.create(VmSpec.of("good", guest("talker")));
        host.create(VmSpec.of("bad", guest("tripler")));
        host.act("good", PowerAction.START, "test");
        host.act("bad", PowerAction.START, "test");
        await("the crash", 10_000, () -> host.info("bad").state().equals("crashed"));
        assertTrue(host.info("bad").lastExit().contains("triple fault"), host.info("bad").lastExit());
        long before = host.console("good", 0).next();
        await("the other VM's output", 5000, () -> host.console("good", 0).next() > before + 100);
        assertEquals("running", host.info("good").state());
        assertTrue(host.console("good", 0).text().startsWith("line 00000000\nline 00000001\n"), "its output is intact");
    }

    @Test
    void sharesFollowWeightsAndTimerTicksArriveAtTheirRateWhateverTheShare() throws Exception {
        Host host = host(1);
        host.create(new VmSpec("a", guest("spin"), null, null, 512, 0, null));
        host.create(new VmSpec("b", guest("spin"), null, null, 256, 0, null));
        host.create(new VmSpec("c", guest("spin"), null, null, 256, 0, null));
        for (String vm : List.of("a", "b", "c")) host.act(vm, PowerAction.START, "test");
        Thread.sleep(4000);
        assertEquals(0.50, host.info("a").share(), 0.05, "a: " + host.info("a"));
        assertEquals(0.25, host.info("b").share(), 0.05, "b: " + host.info("b"));
        assertEquals(0.25, host.info("c").share(), 0.05, "c: " + host.info("c"));
        // c gets a quarter of the CPU, yet its 100 Hz timer ticked about 100 times a second.
        String console = host.console("c", 0).text();
        assertTrue(console.contains("ticks 000000C8") || console.contains("ticks 0000012C"), console + host.info("a") + host.info("c"));
    }

    @Test
    void aSpinningGuestIsPausedAtOnceAndItsTimerGoesOnAfterResume() throws Exception {
        Host host = host(1);
        host.create(VmSpec.of("s", guest("spin")));
        host.act("s", PowerAction.START, "test");
        await("the first report", 5000, () -> host.console("s", 0).text().contains("ticks 00000064"));
        // That the request cuts the running slice short is PreemptionTest's to show (without a clock).
        assertEquals("paused", host.act("s", PowerAction.PAUSE, "test").state());
        long virtual = host.info("s").virtualMillis();
        Thread.sleep(300);
        assertEquals(virtual, host.info("s").virtualMillis(), "a paused VM's clock stands still");
        host.act("s", PowerAction.RESUME, "test");
        await("ticks going on", 5000, () -> host.console("s", 0).text().contains("ticks 000000C8"));
    }

    @Test
    void aVmThatWritesAllItsMemoryLeavesAnothersMemoryAlone() throws Exception {
        Host host = host(2);
        host.create(new VmSpec("hog", guest("hog"), "4M", null, 256, 0, null));
        host.create(new VmSpec("quiet", guest("talker"), "4M", null, 256, 0, null));
        host.act("quiet", PowerAction.START, "test");
        await("quiet's output", 5000, () -> host.console("quiet", 0).text().contains("line 00000002"));
        host.act("quiet", PowerAction.PAUSE, "test");
        String before = host.ramDigest("quiet");
        host.act("hog", PowerAction.START, "test");
        Thread.sleep(1000);
        assertEquals(before, host.ramDigest("quiet"), "not one byte of the paused VM changed");
        assertNotEquals(host.ramDigest("quiet"), host.ramDigest("hog"));
    }

    @Test
    void definitionsSurviveTheHostAndBadInputLeavesNothingBehind() throws Exception {
        Host first = host(1);
        first.create(new VmSpec("keep", guest("talker"), "8M", "64K", 300, 50, "bt"));
        var duplicate = assertThrows(HostException.class, () -> first.create(VmSpec.of("keep", guest("talker"))));
        assertEquals("a VM named 'keep' already exists", duplicate.getMessage());
        assertThrows(HostException.class, () -> first.create(new VmSpec("x", guest("talker"), "3Q", null, 256, 0, null)));
        assertThrows(HostException.class, () -> first.create(new VmSpec("x", guest("talker"), null, "/no/such/disk", 256, 0, null)));
        assertThrows(HostException.class, () -> first.create(new VmSpec("x", "no-such-guest", null, null, 256, 0, null)));
        assertThrows(HostException.class, () -> first.create(new VmSpec("x", guest("talker"), null, null, 0, 0, null)));
        assertThrows(HostException.class, () -> first.create(new VmSpec("bad name!", guest("talker"), null, null, 256, 0, null)));
        assertFalse(Files.exists(dir.resolve("store/vms/x")), "a refused VM leaves no folder");
        first.close();
        hosts.remove(first);

        Host second = host(1);
        VmInfo keep = second.info("keep");
        assertEquals("defined", keep.state());
        assertEquals(8L << 20, keep.memoryBytes());
        assertEquals(300, keep.weight());
        assertEquals(50, keep.cap());
        assertEquals("bt", keep.mode());
        assertEquals(64 * 1024, Files.size(dir.resolve("store/vms/keep/disk.img")));
    }

    @Test
    void aCapturedRunningVmInstalledElsewhereResumesWhereItWasAndItsTwinIsNoticed() throws Exception {
        Host host = host(1);
        host.create(VmSpec.of("c", "counter"));
        host.act("c", PowerAction.START, "test");
        await("counting", 10_000, () -> host.console("c", 0).text().contains("count 5"));
        VmBundle bundle = host.capture("c");
        assertNotNull(bundle.machine(), "a running VM is captured with its machine");
        assertEquals("running", host.info("c").state(), "and goes on running");
        String counted = host.console("c", 0).text();
        // Whole lines only: the console may be read while the guest is half way through one.
        int last = counted.lines().filter(l -> l.matches("count \\d+")).mapToInt(l -> Integer.parseInt(l.substring(6))).max().orElse(0);

        List<LifecycleEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        host.subscribe(events::add);
        VmInfo copy = host.install(bundle, "c2", "test", "restore");
        assertEquals("defined", copy.state());
        assertEquals(host.info("c").uuid(), copy.uuid(), "an installed VM keeps its identity");
        await("the duplicate identity noticed", 2000, () -> events.stream().anyMatch(e -> e.detail().contains("same identity")));
        assertEquals(List.of("c"), host.info("c2").sameIdentityAs());
        assertEquals(List.of("c2"), host.info("c").sameIdentityAs(), "both twins are marked");

        assertEquals("running", host.act("c2", PowerAction.START, "test").state());
        await("the copy counting on", 10_000, () -> host.console("c2", 0).text().contains("count " + (last + 3)));
        assertEquals(1, host.console("c2", 0).text().lines().filter(l -> l.equals("count 1")).count(),
                "it did not boot again (its console, carried with the machine, shows count 1 once): it resumed");
        assertTrue(String.join("\n", VmHistory.lines(dir.resolve("store/vms/c2"))).contains("\"restore\""));
    }

    @Test
    void aBuiltInGuestWithItsOwnDiskGetsACopyOfIt() throws Exception {
        Host host = host(1);
        host.create(VmSpec.of("os", "hvos"));
        Path disk = dir.resolve("store/vms/os/disk.img");
        assertArrayEquals(hvlab.vmm.image.GuestImages.builtInDisk("hvos"), Files.readAllBytes(disk), "hvos.img, copied for this VM");
        host.act("os", PowerAction.START, "test");
        await("hvos reading its disk", 10_000, () -> host.console("os", 0).text().contains("\ndisk: 18 files\n"));
        host.create(new VmSpec("blank", "hvos", null, "64K", 256, 0, null));
        assertEquals(64 * 1024, Files.size(dir.resolve("store/vms/blank/disk.img")), "--disk still chooses");
    }
}
