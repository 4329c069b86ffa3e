package hvlab.vmm.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Assembles a guest's {@code .asm} source with NASM into a flat binary, as the build does for the built-in guests. */
public final class NasmAssembler {
    private NasmAssembler() {}

    public static byte[] assemble(Path source) throws GuestImageException {
        Path output = null;
        try {
            output = Files.createTempFile("hvlab-guest", ".bin");
            Path includeDir = source.toAbsolutePath().getParent();
            Process nasm = new ProcessBuilder("nasm", "-f", "bin", "-I", includeDir + "/", "-o", output.toString(), source.toString())
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
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a stray temp file is harmless
                }
            }
        }
    }
}
