package hvlab.vmm.image.ova;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmBundle;
import hvlab.vmm.host.VmSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Images of running VMs exported once per test run from a real host and shared by the test
 * classes that read them (a running guest takes a second to get going; the images take none).
 *
 * <p>{@code web} is a counter with a 64 KiB disk; {@code tick} a counter without one, for the
 * test that starts an imported VM again: VmStateCodec cannot yet decode a machine with its ATA
 * disk in it (AtaDisk.State has a field named "device", which is also the codec's type property),
 * so a VM with a disk is exported and checked but not restarted.
 */
final class ExportedImages {
    static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    final Path dir;
    final Host source;
    final VmBundle web;
    final int tickCountAtCapture;
    final Path signed;
    final Path plain;
    final Path sealed;
    final Path tick;

    private static ExportedImages shared;

    static synchronized ExportedImages get() throws Exception {
        if (shared == null) {
            shared = new ExportedImages();
        }
        return shared;
    }

    private ExportedImages() throws Exception {
        dir = Files.createTempDirectory("hvlab-ova-test");
        source = new Host("local", dir.resolve("source"), 1);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
        source.create(new VmSpec("web", "counter", "4M", "64K", 300, 50, "trap"));
        source.create(new VmSpec("tick", "counter", "4M", null, 300, 50, "trap"));
        source.act("web", PowerAction.START, "test");
        source.act("tick", PowerAction.START, "test");
        await("counting", () -> source.console("web", 0).text().contains("count 3")
                && source.console("tick", 0).text().contains("count 3"));
        web = source.capture("web");
        VmBundle ticking = source.capture("tick");
        tickCountAtCapture = lastCount(source.console("tick", 0).text());
        SigningKey key = SigningKey.ofStore(source.store().root());
        tick = OvaWriter.write(ticking, dir.resolve("tick.ova"), key, null, Progress.NONE).file();
        Files.deleteIfExists(ticking.disk() == null ? dir.resolve("none") : ticking.disk());
        signed = OvaWriter.write(web, dir.resolve("signed.ova"), key, null, Progress.NONE).file();
        plain = OvaWriter.write(web, dir.resolve("plain.ova"), null, null, Progress.NONE).file();
        sealed = OvaWriter.write(web, dir.resolve("sealed.ova"), null, PASSPHRASE.clone(), Progress.NONE).file();
        source.act("web", PowerAction.POWEROFF, "test");
        source.act("tick", PowerAction.POWEROFF, "test");
    }

    private void close() {
        source.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
            Files.deleteIfExists(web.disk());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** The highest "count N" on whole lines: the console may be read while the guest is half way through a line. */
    static int lastCount(String console) {
        int end = console.lastIndexOf('\n') + 1;
        return console.substring(0, end).lines().filter(l -> l.matches("count \\d+")).mapToInt(l -> Integer.parseInt(l.substring(6)))
                .max().orElse(0);
    }
}
