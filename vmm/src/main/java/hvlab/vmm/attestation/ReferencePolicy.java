package hvlab.vmm.attestation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import hvlab.vmm.tpm.EventLog;
import hvlab.vmm.tpm.PcrBank;
import hvlab.vmm.tpm.Sha256;
import hvlab.vmm.tpm.TpmEvent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reference measurements: the PCR values a trustworthy machine shows, and the events that make
 * them (the "reference values" of RFC 9334). A verifier compares quoted PCRs with these; when
 * one differs, the events say which measurement changed: this class file, that flag, the guest
 * image.
 *
 * <p>Where references come from is the hard part of attestation in practice. hvlab records them
 * the first time (trust on first use, like SSH's {@code known_hosts}): the host's at its first
 * measured launch, a VM's when it is created. A teacher can also write one from a known-good
 * machine and hand it out ({@code --policy FILE}).
 *
 * @param pcrs the expected values (hex) of the PCRs this policy covers
 */
public record ReferencePolicy(String name, Map<Integer, String> pcrs, List<TpmEvent> events) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ReferencePolicy {
        pcrs = pcrs == null ? Map.of() : new TreeMap<>(pcrs);
        events = events == null ? List.of() : List.copyOf(events);
    }

    /** The policy a known-good log gives, over the PCRs in {@code selection}. */
    public static ReferencePolicy fromLog(String name, List<TpmEvent> log, int selection) {
        List<byte[]> replayed = EventLog.replay(log);
        Map<Integer, String> values = new TreeMap<>();
        for (int i = 0; i < PcrBank.COUNT; i++) {
            if ((selection & (1 << i)) != 0) {
                values.put(i, Sha256.hex(replayed.get(i)));
            }
        }
        List<TpmEvent> events = log.stream().filter(e -> (selection & (1 << e.pcr())) != 0).toList();
        return new ReferencePolicy(name, values, events);
    }

    /** The bits of the PCRs this policy covers. */
    public int selection() {
        int bits = 0;
        for (int pcr : pcrs.keySet()) {
            bits |= 1 << pcr;
        }
        return bits;
    }

    /**
     * Why PCR {@code pcr} differs, from the events: the first one on that PCR that is not the
     * reference's (changed, missing or extra), as a sentence.
     */
    public String firstDifferingEvent(int pcr, List<TpmEvent> log) {
        List<TpmEvent> mine = events.stream().filter(e -> e.pcr() == pcr).toList();
        List<TpmEvent> theirs = log.stream().filter(e -> e.pcr() == pcr).toList();
        for (int i = 0; i < theirs.size(); i++) {
            TpmEvent event = theirs.get(i);
            if (i < mine.size() && same(mine.get(i), event)) {
                continue;
            }
            // Not where the reference has it: find the reference's event of the same name.
            TpmEvent named = mine.stream().filter(m -> m.description().equals(event.description())).findFirst().orElse(null);
            if (named == null) {
                return "event " + describe(event) + " is not in the reference";
            }
            if (!same(named, event)) {
                return "event " + describe(event) + " measured " + abbreviate(event.digest()) + ", the reference "
                        + abbreviate(named.digest());
            }
            return "event " + describe(event) + " is not where the reference has it (measured in another order)";
        }
        for (TpmEvent expected : mine) {
            if (theirs.stream().noneMatch(e -> same(e, expected))) {
                return "event " + describe(expected) + " is missing";
            }
        }
        return "its events match the reference, but the log does not explain the value";
    }

    private static boolean same(TpmEvent a, TpmEvent b) {
        return a.digest().equalsIgnoreCase(b.digest()) && a.type().equals(b.type());
    }

    private static String describe(TpmEvent e) {
        return e.type() + " '" + e.description() + "'";
    }

    static String abbreviate(String hex) {
        return hex.length() > 16 ? hex.substring(0, 16) + "…" : hex;
    }

    public void write(Path file) throws IOException {
        hvlab.vmm.host.VmStore.writeAtomically(file, JSON.writeValueAsBytes(this));
    }

    /** Reads a policy file; one line saying why when it is not one. */
    public static ReferencePolicy read(Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no policy file " + file);
        }
        try {
            ReferencePolicy policy = JSON.readValue(file.toFile(), ReferencePolicy.class);
            if (policy.pcrs() == null || policy.pcrs().isEmpty()) {
                throw new IllegalArgumentException("the policy " + file + " names no PCRs");
            }
            for (String value : policy.pcrs().values()) {
                if (value == null || value.length() != 64) {
                    throw new IllegalArgumentException("the policy " + file + " has a PCR value that is not 64 hex digits");
                }
            }
            return new ReferencePolicy(policy.name(), policy.pcrs(), policy.events() == null ? List.of() : policy.events());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("no policy file " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a policy file: " + file + " (" + firstLine(e.getMessage()) + ")");
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) throw e;
            throw new IllegalArgumentException("not a policy file: " + file);
        }
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse("unreadable");
    }

    static List<Integer> indexes(int selection) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < PcrBank.COUNT; i++) {
            if ((selection & (1 << i)) != 0) out.add(i);
        }
        return out;
    }
}
