package hvlab.vmm.image;

import hvlab.vmm.boot.BadImageException;
import hvlab.vmm.boot.BootLayout;
import hvlab.vmm.boot.ElfImage;
import hvlab.vmm.boot.LoadPlan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds a guest by what the user typed: a built-in guest's name ({@code hello}), a NASM source
 * ({@code my.asm}, assembled on the fly), a one-file C guest ({@code my.c}, compiled and linked
 * on the fly with hvlab's start code), a flat binary ({@code my.bin}) or an ELF executable
 * ({@code kernel.elf}; Multiboot if it carries the header).
 */
public final class GuestImages {
    /** The largest image we accept: guest RAM tops out at 1 GiB and the image loads at 1 MiB. */
    private static final long MAX_IMAGE = 64L << 20;

    private GuestImages() {}

    public static GuestImage resolve(String spec) throws GuestImageException {
        if (spec.endsWith(".asm")) {
            Path path = readable(spec);
            return check(new GuestImage(fileName(path, ".asm"), NasmAssembler.assemble(path)), spec);
        }
        if (spec.endsWith(".c")) {
            Path path = readable(spec);
            return check(new GuestImage(fileName(path, ".c"), GccCompiler.compile(path)), spec);
        }
        if (spec.endsWith(".bin") || spec.endsWith(".elf") || spec.contains("/")) {
            Path path = readable(spec);
            try {
                if (Files.size(path) > MAX_IMAGE) {
                    throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, spec + " is too large for a guest image (over 64 MiB)");
                }
                String name = fileName(path, spec.endsWith(".elf") ? ".elf" : ".bin");
                return check(new GuestImage(name, Files.readAllBytes(path)), spec);
            } catch (IOException e) {
                throw new GuestImageException(GuestImageException.Kind.MISSING_FILE, "cannot read " + spec + ": " + e.getMessage());
            }
        }
        if (spec.equals(Xv6Build.NAME)) {
            Path kernel = Xv6Build.folder().resolve("kernel");
            try {
                return check(new GuestImage(Xv6Build.NAME, Files.readAllBytes(kernel)), kernel.toString());
            } catch (IOException e) {
                throw new GuestImageException(GuestImageException.Kind.MISSING_FILE, "cannot read " + kernel + ": " + e.getMessage());
            }
        }
        byte[] code = builtIn(spec + ".bin");
        if (code == null) {
            code = builtIn(spec + ".elf");
        }
        if (code == null) {
            throw new GuestImageException(GuestImageException.Kind.UNKNOWN_GUEST,
                    "unknown guest '" + spec + "': give a built-in name (" + String.join(", ", builtInNames())
                            + "), an .asm, .c, .bin or .elf file");
        }
        return new GuestImage(spec, code);
    }

    /** The names of the guests built into hvlab. */
    public static List<String> builtInNames() {
        byte[] index = builtIn("index.txt");
        if (index == null) {
            return List.of();
        }
        return new String(index, StandardCharsets.UTF_8).lines().map(String::trim).filter(s -> !s.isEmpty()).sorted().toList();
    }

    /**
     * The disk a built-in guest comes with ({@code guests/NAME.img}, e.g. hvos's file system of
     * user programs), or null for a guest that has none or a spec that is not a built-in name.
     */
    public static byte[] builtInDisk(String spec) {
        if (Xv6Build.NAME.equals(spec)) {
            try {
                return Files.readAllBytes(Xv6Build.folder().resolve("fs.img")); // its file system, copied for each VM
            } catch (IOException | GuestImageException e) {
                return null;
            }
        }
        return spec != null && spec.matches("[A-Za-z0-9_-]+") ? builtIn(spec + ".img") : null;
    }

    /** Guests written for an APIC machine (GUESTS.md, "APICs and the MP table"): they get one wherever they run. */
    private static final java.util.Set<String> APIC_GUESTS = java.util.Set.of("apic-ticks", Xv6Build.NAME);

    /** The RAM guest {@code spec} gets when none is asked for: xv6 uses up to 224 MiB whatever the machine has. */
    public static long defaultMemory(String spec) {
        return Xv6Build.NAME.equals(spec) ? Xv6Build.MEMORY : hvlab.vmm.VmConfig.DEFAULT_MEMORY;
    }

    /**
     * Does guest {@code spec} run with the interrupt flag mirrored (trap/InterruptFlagMirror)? xv6
     * does: it reads IF with PUSHF, and would panic under plain trap-and-emulate.
     */
    public static boolean mirrorsInterruptFlag(String spec) {
        return Xv6Build.NAME.equals(spec);
    }

    /** Does built-in guest {@code spec} need an APIC machine? */
    public static boolean needsApic(String spec) {
        return spec != null && APIC_GUESTS.contains(spec);
    }

    /** The source of a built-in guest (NASM, or C), the README of a larger one (hvos), or null. */
    public static String builtInSource(String name) {
        byte[] source = builtIn(name + ".asm");
        if (source == null) {
            source = builtIn("c/" + name + ".c");
        }
        if (source == null && name.matches("[A-Za-z0-9_-]+")) {
            source = builtIn("c/" + name + "/README.md");
        }
        return source == null ? null : new String(source, StandardCharsets.UTF_8);
    }

    static byte[] builtIn(String resource) {
        try (InputStream in = GuestImages.class.getResourceAsStream("/guests/" + resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static Path readable(String spec) throws GuestImageException {
        Path path = Path.of(spec);
        if (!Files.exists(path)) {
            throw new GuestImageException(GuestImageException.Kind.MISSING_FILE, "no such file: " + spec);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new GuestImageException(GuestImageException.Kind.MISSING_FILE, "cannot read " + spec + ": not a readable file");
        }
        return path;
    }

    /**
     * A flat binary has no header to check, but some files are clearly something else: an ELF or
     * PE executable, a script, or text. Catching those gives a better message than a guest fault.
     */
    static GuestImage check(GuestImage image, String spec) throws GuestImageException {
        byte[] code = image.code();
        if (code.length == 0) {
            throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, spec + " is empty: not a guest image");
        }
        if (ElfImage.looksLikeElf(code)) {
            try {
                LoadPlan.of(code, BootLayout.MAX_RAM);
                return image;
            } catch (BadImageException e) {
                throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, spec + ": " + e.getMessage());
            }
        }
        if (code.length >= 2 && code[0] == 'M' && code[1] == 'Z') {
            throw new GuestImageException(GuestImageException.Kind.BAD_INPUT, spec + " is a DOS/PE executable, not a flat guest image");
        }
        if (looksLikeText(code)) {
            throw new GuestImageException(GuestImageException.Kind.BAD_INPUT,
                    spec + " looks like text, not a flat guest image (give the .asm source to have it assembled)");
        }
        return image;
    }

    private static boolean looksLikeText(byte[] code) {
        int n = Math.min(code.length, 256);
        if (n < 16) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int b = code[i] & 0xFF;
            boolean text = b == '\n' || b == '\r' || b == '\t' || (b >= 0x20 && b < 0x7F);
            if (!text) {
                return false;
            }
        }
        return true;
    }

    private static String fileName(Path path, String extension) {
        String name = path.getFileName().toString();
        return name.endsWith(extension) ? name.substring(0, name.length() - extension.length()) : name;
    }
}
