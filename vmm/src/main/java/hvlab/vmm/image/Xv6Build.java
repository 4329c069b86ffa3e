package hvlab.vmm.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The guest named {@code xv6}: MIT's xv6 for x86, which hvlab does not carry, found where a user
 * built it. In this order:
 * <ol>
 *   <li>{@code $HVLAB_XV6}: a folder holding {@code kernel} and {@code fs.img}, or a source tree
 *       with a {@code build.sh OUT} that makes them;</li>
 *   <li>{@code xv6-public/} in the working folder or one above it, built with MIT's Makefile
 *       ({@code make kernel fs.img});</li>
 *   <li>{@code shared/xv6/build.sh} in a folder above (the course's fixture), built once into
 *       {@code hvlab-xv6} in the temporary folder.</li>
 * </ol>
 * The README says how to build it ("Booting MIT's xv6").
 */
public final class Xv6Build {
    static final String NAME = "xv6";
    /** xv6 uses RAM up to PHYSTOP (224 MiB) whatever the machine has. */
    static final long MEMORY = 256L << 20;

    private static Path found;

    private Xv6Build() {}

    /** The folder with {@code kernel} and {@code fs.img}, built if need be. */
    public static synchronized Path folder() throws GuestImageException {
        if (found != null && Files.isRegularFile(found.resolve("kernel")) && Files.isRegularFile(found.resolve("fs.img"))) {
            return found;
        }
        String override = System.getenv("HVLAB_XV6");
        if (override != null) {
            Path dir = Path.of(override);
            if (built(dir)) return found = dir;
            if (Files.isRegularFile(dir.resolve("build.sh"))) return found = build(dir);
            throw missing("$HVLAB_XV6 (" + dir + ") holds neither kernel and fs.img nor build.sh");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (built(dir.resolve("xv6-public"))) return found = dir.resolve("xv6-public");
            if (Files.isRegularFile(dir.resolve("shared/xv6/build.sh"))) return found = build(dir.resolve("shared/xv6"));
        }
        throw missing("xv6 is not built here");
    }

    private static boolean built(Path dir) {
        return Files.isRegularFile(dir.resolve("kernel")) && Files.isRegularFile(dir.resolve("fs.img"));
    }

    private static Path build(Path source) throws GuestImageException {
        Path out = Path.of(System.getProperty("java.io.tmpdir"), "hvlab-xv6");
        if (built(out)) {
            return out;
        }
        try {
            Files.createDirectories(out);
            Process p = new ProcessBuilder(List.of("bash", source.resolve("build.sh").toString(), out.toString()))
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !built(out)) {
                String last = log.strip().lines().reduce((a, b) -> b).orElse("no output");
                throw missing("building it with " + source.resolve("build.sh") + " failed (gcc with -m32, binutils and perl are "
                        + "needed): " + last);
            }
            return out;
        } catch (IOException | InterruptedException e) {
            throw missing("building it with " + source.resolve("build.sh") + " failed: " + e.getMessage());
        }
    }

    private static GuestImageException missing(String why) {
        return new GuestImageException(GuestImageException.Kind.MISSING_FILE, "guest 'xv6': " + why + ". Build it with "
                + "'git clone https://github.com/mit-pdos/xv6-public && make -C xv6-public kernel fs.img', or set HVLAB_XV6 "
                + "to a folder holding kernel and fs.img (README, \"Booting MIT's xv6\")");
    }
}
