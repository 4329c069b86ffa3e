package hvlab.vmm.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
            BoundedTool.run(List.of("nasm", "-f", "bin", "-I", includeDir + "/", "-I", abiIncludes + "/",
                    "-o", output.toString(), source.toString()), output, limitSeconds, "nasm", source);
            return Files.readAllBytes(output);
        } catch (IOException e) {
            throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, "cannot assemble " + source + ": " + e.getMessage());
        } finally {
            BoundedTool.deleteQuietly(output);
            if (abiIncludes != null) {
                for (String include : ABI_INCLUDES) {
                    BoundedTool.deleteQuietly(abiIncludes.resolve(include));
                }
                BoundedTool.deleteQuietly(abiIncludes);
            }
        }
    }
}
