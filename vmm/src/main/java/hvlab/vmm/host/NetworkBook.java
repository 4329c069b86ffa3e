package hvlab.vmm.host;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import hvlab.vmm.devices.NicOptions;

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
 * whether an IDS watches them, with its rules, and the rate limits of VMs that have their own.
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

    /** @param limits per VM, for those whose NIC is not policed at the host's default */
    record Contents(List<Entry> networks, Map<String, NicOptions.Limits> limits) {}

    private final Path file;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, NicOptions.Limits> limits = new LinkedHashMap<>();

    NetworkBook(Path storeRoot) {
        this.file = storeRoot.resolve(FILE);
        if (Files.exists(file)) {
            try {
                Contents c = JSON.readValue(file.toFile(), Contents.class);
                if (c.networks() != null) {
                    c.networks().forEach(e -> entries.put(e.name(), e));
                }
                if (c.limits() != null) {
                    limits.putAll(c.limits());
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
        Entry was = entries.put(entry.name(), entry);
        try {
            save();
        } catch (HostException e) {
            if (was == null) entries.remove(entry.name()); else entries.put(entry.name(), was);
            throw e;
        }
    }

    /** The VM's own limits, or null for the host's default. */
    NicOptions.Limits limits(String vm) {
        return limits.get(vm);
    }

    /** Gives the VM limits of its own (null: back to the host's default). */
    void limit(String vm, NicOptions.Limits l) {
        NicOptions.Limits was = l == null ? limits.remove(vm) : limits.put(vm, l);
        try {
            save();
        } catch (HostException e) {
            if (was == null) limits.remove(vm); else limits.put(vm, was);
            throw e;
        }
    }

    private void save() {
        try {
            VmStore.writeAtomically(file, JSON.writeValueAsBytes(new Contents(new ArrayList<>(entries.values()), new LinkedHashMap<>(limits))));
        } catch (IOException e) {
            throw new HostException("cannot write " + file + ": " + VmStore.reason(e));
        }
    }
}
