package hvlab.vmmm.migration;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a VM may be and where it has been (paper IV.E.2, loss of location-boundedness: a physical
 * machine stays in its room, a VM can be anywhere its hosts are, and data protection law or a
 * contract may say where it may not). Kept as {@code placement.json} in the VM's folder and carried
 * along by every migration:
 *
 * @param allowedHosts the hosts it may run on; empty: any host of the datacenter
 * @param locations    every host it has run on, oldest first, the current one last
 */
public record Placement(List<String> allowedHosts, List<String> locations) {
    public static final String FILE = "placement.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public Placement {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        locations = locations == null ? List.of() : List.copyOf(locations);
    }

    /** Null when {@code host} is allowed, else why not. Checked before a byte of the VM leaves. */
    public String refusal(String vm, String host) {
        if (allowedHosts.isEmpty() || allowedHosts.contains(host)) {
            return null;
        }
        return "'" + vm + "' may run only on " + String.join(", ", allowedHosts) + " (its placement policy), not on " + host;
    }

    public Placement arrivedAt(String host) {
        List<String> visited = new ArrayList<>(locations);
        visited.add(host);
        return new Placement(allowedHosts, visited);
    }

    /** The placement in a VM's folder; one that never moved has been on {@code here} only. */
    public static Placement read(Path vmFolder, String here) {
        Path file = vmFolder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return new Placement(List.of(), List.of(here));
        }
        try {
            return JSON.readValue(file.toFile(), Placement.class);
        } catch (IOException e) {
            throw new MigrationException("the placement of " + vmFolder.getFileName() + " cannot be read: " + e.getMessage());
        }
    }

    public void write(Path vmFolder) {
        try {
            hvlab.vmm.host.VmStore.writeAtomically(vmFolder.resolve(FILE), JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new MigrationException("cannot write the placement of " + vmFolder.getFileName() + ": " + e.getMessage());
        }
    }
}
