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

    public static byte[] assemble(Path source) throws GuestImageException {
        Path output = null;
        Path abiIncludes = null;
        try {
            output = Files.createTempFile("hvlab-guest", ".bin");
            abiIncludes = extractAbiIncludes();
            Path includeDir = source.toAbsolutePath().getParent();
            Process nasm = new ProcessBuilder("nasm", "-f", "bin", "-I", includeDir + "/", "-I", abiIncludes + "/",
                    "-o", output.toString(), source.toString())
                    .redirectErrorStream(true)
                    .start();
            String messages = new String(nasm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!nasm.waitFor(60, TimeUnit.SECONDS)) {
                nasm.destroyForcibly();
                throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, "nasm did not finish assembling " + source);
            }
            if (nasm.exitValue() != 0) {
                String first = messages.isEmpty() ? "nasm exited with status " + nasm.exitValue() : messages.lines().findFirst().orElse("");
                long more = messages.lines().count() - 1;
                throw new GuestImageException(GuestImageException.Kind.BAD_INPUT,
                        first + (more > 0 ? " (and " + more + " more NASM message" + (more > 1 ? "s" : "") + ")" : ""));
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
