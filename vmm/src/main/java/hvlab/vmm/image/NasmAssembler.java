package hvlab.vmm.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a guest's {@code .asm} source with NASM into a flat binary, as the build does for the
 * built-in guests. The ABI includes of the built-in guests ({@code abi.inc}, {@code serial.inc})
 * are on NASM's include path after the source's own folder, so any guest can {@code %include} them.
 */
public final class NasmAssembler {
    private static final String[] ABI_INCLUDES = {"abi.inc", "serial.inc", "kernel.inc"};
    /**
     * How long NASM may take. A hostile source can make NASM loop for ever (a macro that expands
     * itself, a {@code %rep} of a billion): the VMM's work for a guest is bounded, this included.
     */
    static final long TIME_LIMIT_SECONDS = 20;
    /** The largest image NASM may write: a guest image loads at 1 MiB into at most 1 GiB of RAM. */
    static final long MAX_OUTPUT = 64L << 20;

    private NasmAssembler() {}

    private static Path extractAbiIncludes() throws IOException {
        Path dir = Files.createTempDirectory("hvlab-include");
        for (String include : ABI_INCLUDES) {
            try (InputStream in = NasmAssembler.class.getResourceAsStream("/guests/" + include)) {
                if (in != null) {
                    Files.write(dir.resolve(include), in.readAllBytes());
                }
            }
        }
        return dir;
    }

    private static void deleteQuietly(Path path) {
        if (path == null) return;
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a stray temp file is harmless
        }
    }

    /** The first 64 KiB of NASM's messages: enough for the first error, bounded whatever NASM wrote. */
    private static String readStart(Path log) throws IOException {
        try (InputStream in = Files.newInputStream(log)) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        }
    }

    public static byte[] assemble(Path source) throws GuestImageException {
        return assemble(source, TIME_LIMIT_SECONDS);
    }

    /** Assembles {@code source}, giving NASM at most {@code limitSeconds}. */
    static byte[] assemble(Path source, long limitSeconds) throws GuestImageException {
        Path output = null;
        Path abiIncludes = null;
        try {
            output = Files.createTempFile("hvlab-guest", ".bin");
            abiIncludes = extractAbiIncludes();
            Path includeDir = source.toAbsolutePath().getParent();
            Path log = Files.createTempFile("hvlab-nasm", ".log");
            Process nasm = new ProcessBuilder("nasm", "-f", "bin", "-I", includeDir + "/", "-I", abiIncludes + "/",
                    "-o", output.toString(), source.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            String messages;
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
                while (!nasm.waitFor(100, TimeUnit.MILLISECONDS)) {
                    if (System.nanoTime() > deadline || Files.size(output) > MAX_OUTPUT || Files.size(log) > MAX_OUTPUT) {
                        nasm.destroyForcibly();
                        nasm.waitFor(5, TimeUnit.SECONDS);
                        throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, System.nanoTime() > deadline
                                ? "nasm did not finish assembling " + source + " within " + limitSeconds + " s"
                                : "nasm's output for " + source + " grew past " + (MAX_OUTPUT >> 20) + " MiB: not a guest image");
                    }
                }
                messages = readStart(log).trim();
            } finally {
                deleteQuietly(log);
            }
            if (nasm.exitValue() != 0) {
                String first = messages.isEmpty() ? "nasm exited with status " + nasm.exitValue() : messages.lines().findFirst().orElse("");
                long more = messages.lines().count() - 1;
                throw new GuestImageException(GuestImageException.Kind.BAD_INPUT,
                        first + (more > 0 ? " (and " + more + " more NASM message" + (more > 1 ? "s" : "") + ")" : ""));
            }
            if (Files.size(output) > MAX_OUTPUT) {
                throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, source + " assembles to more than 64 MiB: not a guest image");
            }
            return Files.readAllBytes(output);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("nasm")) {
                throw new GuestImageException(GuestImageException.Kind.TOOL_MISSING,
                        "nasm is not installed: install it with 'apt-get install nasm'");
            }
            throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, "cannot assemble " + source + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, "interrupted while assembling " + source);
        } finally {
            deleteQuietly(output);
            if (abiIncludes != null) {
                for (String include : ABI_INCLUDES) {
                    deleteQuietly(abiIncludes.resolve(include));
                }
                deleteQuietly(abiIncludes);
            }
        }
    }
}
