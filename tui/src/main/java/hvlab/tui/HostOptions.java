package hvlab.tui;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** {@code --store DIR} and {@code --threads N}, shared by the commands that open a host. */
final class HostOptions {
    static final String DEFAULT_STORE = "hvlab-data";

    @Option(names = "--store", paramLabel = "DIR",
            description = "where defined VMs are kept, one folder each (default: $HVLAB_STORE, else ./" + DEFAULT_STORE + ")")
    Path store;

    @Option(names = "--threads", paramLabel = "N",
            description = "worker threads that run the VMs (default: one per core)")
    Integer threads;

    /** The store: --store, else $HVLAB_STORE, else ./hvlab-data. */
    Path store(Map<String, String> environment) {
        return storeOrDefault(store, environment);
    }

    static Path storeOrDefault(Path given, Map<String, String> environment) {
        if (given != null) {
            return given;
        }
        String fromEnvironment = environment.get("HVLAB_STORE");
        return Path.of(fromEnvironment == null || fromEnvironment.isBlank() ? DEFAULT_STORE : fromEnvironment);
    }

    int threads() {
        if (threads == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        if (threads < 1) {
            throw new UsageException("--threads must be 1 or more, not " + threads);
        }
        return threads;
    }
}
