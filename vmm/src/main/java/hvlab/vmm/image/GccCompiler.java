package hvlab.vmm.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a one-file C guest with gcc and links it with hvlab's start code ({@code lib/start.c}:
 * the Multiboot header, the entry point, a stack, the console routines of {@code hvlab.h}) by the
 * linker script {@code guest.ld}, into an ELF executable that hvlab boots as a Multiboot kernel.
 * The build compiles the built-in C guests with the same flags (guests/pom.xml).
 *
 * <p>The flags say what a kernel is: {@code -m32} for 32-bit x86; {@code -ffreestanding
 * -nostdlib -fno-builtin}, no C library and no assumptions that one exists; {@code -fno-pic
 * -no-pie -static}, code that runs at the address it was linked for; {@code -fno-stack-protector},
 * no canary (it would need the C library's {@code __stack_chk_fail}); {@code -g}, DWARF debug
 * information for gdb ({@code vm gdb}), in sections no loader loads, so it costs the guest nothing.
 */
public final class GccCompiler {
    static final List<String> FLAGS = List.of("-m32", "-march=i686", "-ffreestanding", "-nostdlib", "-fno-builtin", "-static",
            "-fno-pic", "-no-pie", "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-O2", "-g", "-Wall",
            "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments");
    private static final String[] SUPPORT = {"include/hvlab.h", "lib/start.c", "guest.ld"};
    static final long TIME_LIMIT_SECONDS = 60;

    private GccCompiler() {}

    public static byte[] compile(Path source) throws GuestImageException {
        Path support = null;
        Path output = null;
        try {
            support = extractSupport();
            output = Files.createTempFile("hvlab-guest", ".elf");
            List<String> command = new ArrayList<>(List.of("gcc"));
            command.addAll(FLAGS);
            command.addAll(List.of("-I", support.resolve("include").toString(), "-T", support.resolve("guest.ld").toString(),
                    "-o", output.toString(), support.resolve("lib/start.c").toString(), source.toString()));
            BoundedTool.run(command, output, TIME_LIMIT_SECONDS, "gcc", source);
            return Files.readAllBytes(output);
        } catch (IOException e) {
            throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, "cannot compile " + source + ": " + e.getMessage());
        } finally {
            BoundedTool.deleteQuietly(output);
            if (support != null) {
                for (String file : SUPPORT) {
                    BoundedTool.deleteQuietly(support.resolve(file));
                }
                BoundedTool.deleteQuietly(support.resolve("include"));
                BoundedTool.deleteQuietly(support.resolve("lib"));
                BoundedTool.deleteQuietly(support);
            }
        }
    }

    /** The start code, header and linker script, from the guests jar into a temporary folder gcc can read. */
    private static Path extractSupport() throws IOException {
        Path dir = Files.createTempDirectory("hvlab-c");
        for (String file : SUPPORT) {
            try (InputStream in = GccCompiler.class.getResourceAsStream("/guests/c/" + file)) {
                if (in == null) {
                    throw new IOException("hvlab's C support file " + file + " is missing from the build");
                }
                Files.createDirectories(dir.resolve(file).getParent());
                Files.write(dir.resolve(file), in.readAllBytes());
            }
        }
        return dir;
    }
}
