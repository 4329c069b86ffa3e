package hvlab.vmm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * MIT's xv6 for x86, built from the fixture beside the repository ({@code ../shared/xv6}: its
 * unmodified source and {@code build.sh}), never copied into it. Tests that need xv6 skip, with
 * the reason, where the fixture or a compiler for it is missing.
 */
final class Xv6Fixture {
    /** The kernel (a Multiboot ELF) and the file system image (a copy the test may write). */
    record Built(Path kernel, Path fsImage) {}

    private static Built built;
    private static String unavailable;

    private Xv6Fixture() {}

    /** {@code ../shared/xv6} from the repository or any folder above the working directory, or $HVLAB_XV6. */
    static Optional<Path> source() {
        String override = System.getenv("HVLAB_XV6");
        if (override != null) {
            return Optional.of(Path.of(override)).filter(p -> Files.isRegularFile(p.resolve("build.sh")));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("xv6");
            if (Files.isRegularFile(candidate.resolve("build.sh"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Builds xv6 once per test run; null with {@link #unavailable()} saying why when it cannot. */
    static synchronized Built build() {
        if (built != null || unavailable != null) {
            return built;
        }
        Optional<Path> source = source();
        if (source.isEmpty()) {
            unavailable = "no xv6 fixture (../shared/xv6/build.sh) next to this repository, nor $HVLAB_XV6";
            return null;
        }
        try {
            Path out = Files.createTempDirectory("hvlab-xv6");
            Process build = new ProcessBuilder("bash", source.get().resolve("build.sh").toString(), out.toString())
                    .redirectErrorStream(true).start();
            String log = new String(build.getInputStream().readAllBytes());
            if (!build.waitFor(5, TimeUnit.MINUTES) || build.exitValue() != 0) {
                unavailable = "xv6 did not build (gcc with -m32, binutils and perl are needed): " + log.strip();
                return null;
            }
            built = new Built(out.resolve("kernel"), out.resolve("fs.img"));
            return built;
        } catch (IOException | InterruptedException e) {
            unavailable = "xv6 could not be built: " + e;
            return null;
        }
    }

    static String unavailable() {
        return unavailable;
    }
}
