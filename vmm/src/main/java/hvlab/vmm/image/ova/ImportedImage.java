package hvlab.vmm.image.ova;

import hvlab.vmm.host.VmBundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An image that passed every check of {@link OvaReader}, ready for {@code HostControl.install}.
 * Its disk waits in a private temporary folder until {@link #close}.
 *
 * @param signer  the fingerprint of the key that signed it, or null if it was not signed
 * @param trusted whether that key is this store's own (an image this store exported)
 */
public record ImportedImage(VmBundle bundle, OvfDescriptor descriptor, List<OvaWriter.FileInfo> files, String signer,
                            boolean trusted, Path folder) implements AutoCloseable {

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
