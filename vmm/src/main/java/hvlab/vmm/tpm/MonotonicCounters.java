package hvlab.vmm.tpm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Monotonic counters (TPM2_NV_Increment on a counter index): numbers that only ever go up. They
 * are the answer to rollback (paper IV.E.3, loss of monotonicity): software that keeps a counter
 * in its own state and compares it with the TPM's sees when its state was brought back from the
 * past, because the TPM's counter was not.
 *
 * <p>That only works if the counter lives outside everything that can be rolled back. A vTPM's
 * state travels in the VM's snapshots; its counters do not: they live in a file of their own per
 * VM, written (atomically) <em>before</em> the new value is handed out, so a crash can lose an
 * increment's answer but never make a counter go down.
 */
public final class MonotonicCounters {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<Integer, Long> values = new TreeMap<>();
    private final Path file;

    /** Counters that live as long as this object (tests; a VM of {@code hv run}). */
    public MonotonicCounters() {
        this.file = null;
    }

    /** Counters kept in {@code file}, read now if it exists. */
    public MonotonicCounters(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try {
                values.putAll(JSON.readValue(file.toFile(), new TypeReference<TreeMap<Integer, Long>>() {}));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the monotonic counters in " + file, e);
            }
        }
    }

    public synchronized long read(int counter) {
        return values.getOrDefault(counter, 0L);
    }

    /** Adds one and returns the new value, once it is safely stored. */
    public synchronized long increment(int counter) {
        long next = Math.addExact(read(counter), 1);
        values.put(counter, next);
        if (file != null) {
            try {
                hvlab.vmm.host.VmStore.writeAtomically(file, JSON.writeValueAsBytes(values));
            } catch (IOException e) {
                values.put(counter, next - 1);
                throw new UncheckedIOException("cannot store monotonic counter " + counter, e);
            }
        }
        return next;
    }

    /**
     * Raises each counter to at least the value in {@code carried} (a vTPM that migrated brings its
     * counters' values), stored before this returns; a counter never goes down.
     */
    public synchronized void atLeast(Map<Integer, Long> carried) {
        Map<Integer, Long> before = new TreeMap<>(values);
        carried.forEach((counter, value) -> {
            if (counter != null && value != null && value > read(counter)) values.put(counter, value);
        });
        if (file != null && !before.equals(values)) {
            try {
                hvlab.vmm.host.VmStore.writeAtomically(file, JSON.writeValueAsBytes(values));
            } catch (IOException e) {
                values.clear();
                values.putAll(before);
                throw new UncheckedIOException("cannot store the monotonic counters", e);
            }
        }
    }

    public synchronized Map<Integer, Long> all() {
        return Map.copyOf(values);
    }
}
