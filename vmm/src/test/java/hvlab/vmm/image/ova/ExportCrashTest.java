package hvlab.vmm.image.ova;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.VmSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An export appears whole or not at all, even when the process writing it is killed (paper
 * IV.C.6: a backup that may be half a file is no backup). A child JVM exports a running VM with a
 * disk again and again and is killed with SIGKILL at random moments. After each kill every image
 * under an OVA's name must pass every check an import makes (manifest, digests, signature,
 * sizes), the exports of earlier rounds included, and the store must still hold the VM.
 */
class ExportCrashTest {
    @TempDir
    Path dir;

    @Test
    void killedWhileExportingEveryImageThereIsWhole() throws Exception {
        Path store = dir.resolve("store");
        Path images = Files.createDirectories(dir.resolve("images"));
        try (Host host = new Host("local", store, 1)) {
            host.create(new VmSpec("web", "counter", "4M", "2M", VmSpec.DEFAULT_WEIGHT, 0, null));
        }
        Random random = new Random(7);
        for (int round = 0; round < 3; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    ExportCrashChild.class.getName(), store.toString(), images.toString(), "r" + round)
                    .redirectErrorStream(true).start();
            try (var out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                assertEquals("exporting", out.readLine(), "the child did not start");
                String second = out.readLine();
                assertEquals("first export written", second, "the child wrote no image in round " + round);
                Thread.sleep(random.nextInt(700));
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
                assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            }
            checkWhole(store, images, round);
        }
    }

    private static void checkWhole(Path store, Path images, int round) throws Exception {
        List<Path> ovas;
        try (Stream<Path> files = Files.list(images)) {
            ovas = files.filter(p -> p.getFileName().toString().endsWith(".ova")).sorted().toList();
        }
        for (int r = 0; r <= round; r++) {
            String prefix = "r" + r + "-";
            assertTrue(ovas.stream().anyMatch(p -> p.getFileName().toString().startsWith(prefix)), "round " + r + "'s images: " + ovas);
        }
        try (Stream<Path> files = Files.list(images)) {
            // A kill in the middle of an export leaves its hidden temporary file (nothing removes
            // it; the next export never reuses it), never a file under the image's own name.
            long cut = files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
            System.err.println("round " + round + ": " + ovas.size() + " whole images, " + cut + " exports cut short so far");
        }
        for (Path ova : ovas) {
            try (ImportedImage image = OvaReader.read(ova, () -> null, SigningKey.publicKeyOfStore(store), Progress.NONE)) {
                assertEquals("web", image.bundle().definition().name(), ova.toString());
                assertNotNull(image.signer(), "signed: " + ova);
            }
        }
        try (Host host = new Host("local", store, 1)) {
            assertEquals("defined", host.info("web").state(), "the VM's definition outlived the kill");
        }
    }
}
