package hvlab.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/** Loads the C libraries we bind by their sonames, and says which Debian package to install when one is missing. */
public final class NativeLibraries {
    private NativeLibraries() {}

    public static SymbolLookup load(String soname, String debianPackage) {
        try {
            return SymbolLookup.libraryLookup(soname, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            String reason = e instanceof IllegalCallerException
                    ? "native access is not enabled (run java with --enable-native-access=ALL-UNNAMED)"
                    : "cannot load " + soname + ": install it with 'apt-get install " + debianPackage + "'";
            throw new NativeLibraryMissingException(reason);
        }
    }
}
