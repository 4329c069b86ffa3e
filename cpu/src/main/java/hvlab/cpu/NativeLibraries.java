package hvlab.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the C libraries we bind by their sonames, and says which Debian package to install when
 * one is missing.
 *
 * <p>Unicorn has one exception. Debian 12 ships Unicorn 2.0.1, whose x86 page walk ignores the
 * frame a page table names; Unicorn 2.1 (Debian 13's {@code libunicorn2t64}) translates, and the
 * shadow MMU is then the classic one (DESIGN.md section 18). {@code ./hv} fetches Debian 13's
 * library into {@code ~/.cache/hvlab/unicorn-2.1/} when it can, and that copy is preferred. The
 * environment variable {@code HV_UNICORN} overrides: {@code system} for the installed library,
 * or the path of a {@code libunicorn.so.2}.
 */
public final class NativeLibraries {
    static final String UNICORN = "libunicorn.so.2";

    private NativeLibraries() {}

    public static SymbolLookup load(String soname, String debianPackage) {
        try {
            Path privateCopy = privateCopy(soname);
            return privateCopy != null
                    ? SymbolLookup.libraryLookup(privateCopy, Arena.global())
                    : SymbolLookup.libraryLookup(soname, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            String reason = e instanceof IllegalCallerException
                    ? "native access is not enabled (run java with --enable-native-access=ALL-UNNAMED)"
                    : "cannot load " + soname + ": install it with 'apt-get install " + debianPackage + "'";
            throw new NativeLibraryMissingException(reason);
        }
    }

    /** The file to load instead of the system's library, or null for the system's. */
    static Path privateCopy(String soname) {
        if (!UNICORN.equals(soname)) {
            return null;
        }
        String chosen = System.getenv("HV_UNICORN");
        if (chosen != null && !chosen.isBlank()) {
            if (chosen.equals("system")) {
                return null;
            }
            Path path = Path.of(chosen);
            if (!Files.isRegularFile(path)) {
                throw new NativeLibraryMissingException("HV_UNICORN names " + chosen + ", which is not a file "
                        + "(give the path of a libunicorn.so.2, or 'system')");
            }
            return path;
        }
        Path cached = cacheDirectory().resolve("unicorn-2.1").resolve(soname);
        return Files.isRegularFile(cached) ? cached : null;
    }

    /** hvlab's cache: {@code $XDG_CACHE_HOME/hvlab}, or {@code ~/.cache/hvlab}. */
    static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("hvlab");
    }
}
