package hvlab.vmm.differential;

import hvlab.vmm.image.GuestImage;
import hvlab.vmm.image.NasmAssembler;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instruction-group guests of the differential tests, assembled with NASM from
 * {@code src/test/resources/differential/NAME.asm}. Their folder is on NASM's include path
 * (NasmAssembler puts the source's own folder first), so they share {@code check.inc}.
 */
final class DifferentialGuests {
    private static final Map<String, GuestImage> CACHE = new ConcurrentHashMap<>();

    private DifferentialGuests() {}

    static GuestImage load(String name) {
        return CACHE.computeIfAbsent(name, DifferentialGuests::assemble);
    }

    private static GuestImage assemble(String name) {
        URL url = DifferentialGuests.class.getResource("/differential/" + name + ".asm");
        if (url == null) {
            throw new IllegalArgumentException("no differential guest " + name + ".asm on the test class path");
        }
        try {
            return new GuestImage(name, NasmAssembler.assemble(Path.of(url.toURI())));
        } catch (URISyntaxException | hvlab.vmm.image.GuestImageException e) {
            throw new IllegalStateException("cannot assemble " + name + ".asm: " + e.getMessage(), e);
        }
    }
}
