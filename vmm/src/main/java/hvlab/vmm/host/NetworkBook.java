package hvlab.vmm.host;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's networks as its store keeps them ({@code networks.json} beside the VMs), so that a
 * network made by one command ({@code ./hv net create lan}) is there for the next. A VM's own
 * definition says which network its NIC is on; this file holds the networks themselves and
 * whether an IDS watches them, with its rules.
 */
final class NetworkBook {
    static final String FILE = "networks.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).enable(SerializationFeature.INDENT_OUTPUT);

    /** One network: null rules when nothing mirrors it. */
    record Entry(String name, List<String> idsRules) {
        boolean mirrored() {
            return idsRules != null;
        }
    }

    record Contents(List<Entry> networks) {}

    private final Path file;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    NetworkBook(Path storeRoot) {
        this.file = storeRoot.resolve(FILE);
        if (Files.exists(file)) {
            try {
                Contents c = JSON.readValue(file.toFile(), Contents.class);
                if (c.networks() != null) {
                    c.networks().forEach(e -> entries.put(e.name(), e));
                }
            } catch (IOException e) {
                throw new HostException("cannot read " + file + ": " + VmStore.reason(e));
            }
        }
    }

    Entry get(String name) {
        return entries.get(name);
    }

    List<Entry> all() {
        return List.copyOf(entries.values());
    }

    void put(Entry entry) {
        entries.put(entry.name(), entry);
        try {
            VmStore.writeAtomically(file, JSON.writeValueAsBytes(new Contents(new ArrayList<>(entries.values()))));
        } catch (IOException e) {
            entries.remove(entry.name());
            throw new HostException("cannot write " + file + ": " + VmStore.reason(e));
        }
    }
}
