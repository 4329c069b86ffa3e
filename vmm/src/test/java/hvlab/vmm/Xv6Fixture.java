package hvlab.vmm;

import hvlab.vmm.image.GuestImageException;
import hvlab.vmm.image.Xv6Build;

import java.nio.file.Path;

/**
 * MIT's xv6 for x86, found or built where the guest named {@code xv6} is ({@link Xv6Build}: the
 * fixture beside the repository, {@code ../shared/xv6}, is built once, never copied in). Tests
 * that need xv6 skip, with the reason, where the fixture or a compiler for it is missing.
 */
final class Xv6Fixture {
    /** The kernel (a Multiboot ELF) and the file system image (tests boot a copy of it). */
    record Built(Path kernel, Path fsImage) {}

    private static Built built;
    private static String unavailable;

    private Xv6Fixture() {}

    /** Once per test run; null with {@link #unavailable()} saying why when it cannot. */
    static synchronized Built build() {
        if (built != null || unavailable != null) {
            return built;
        }
        try {
            Path folder = Xv6Build.folder();
            built = new Built(folder.resolve("kernel"), folder.resolve("fs.img"));
        } catch (GuestImageException e) {
            unavailable = e.getMessage();
        }
        return built;
    }

    static String unavailable() {
        return unavailable;
    }
}
