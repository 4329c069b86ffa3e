package hvlab.tui;

import hvlab.vmm.host.HostControl;

import java.nio.file.Path;

/**
 * How {@code hv shell}, {@code hv script} and {@code hv vm ...} get the host their commands talk
 * to: today a host inside this process over a store directory; later, perhaps, one reached over
 * the network. Tests pass a fake. A host that holds resources is {@link AutoCloseable}, and
 * {@link #close} releases it when the command is done.
 */
@FunctionalInterface
public interface HostOpener {

    /** Opens the host over {@code store} with {@code threads} worker threads; a HostException says why not. */
    HostControl open(Path store, int threads);

    static void close(HostControl host) {
        if (host instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not close the host: " + e.getMessage(), e);
            }
        }
    }
}
