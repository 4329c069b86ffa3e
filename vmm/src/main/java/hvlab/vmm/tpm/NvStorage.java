package hvlab.vmm.tpm;

import java.util.Map;
import java.util.TreeMap;

/**
 * The TPM's non-volatile storage (TPM2_NV_DefineSpace, NV_Write, NV_Read): a few small areas
 * that survive power-off, kept by index. A real TPM has a few kilobytes in all, which is why
 * sealed secrets usually live outside it; this one keeps {@link #MAX_INDEXES} areas of at most
 * {@link #MAX_BYTES} bytes, so a guest cannot fill the host's memory through its vTPM.
 */
public final class NvStorage {
    public static final int MAX_INDEXES = 32;
    public static final int MAX_BYTES = 1024;

    private final Map<Integer, byte[]> areas = new TreeMap<>();

    /** Stores {@code data} at {@code index}; false when it does not fit. */
    public boolean write(int index, byte[] data) {
        if (data.length > MAX_BYTES || (!areas.containsKey(index) && areas.size() >= MAX_INDEXES)) {
            return false;
        }
        areas.put(index, data.clone());
        return true;
    }

    /** The bytes at {@code index}, or null when nothing was written there. */
    public byte[] read(int index) {
        byte[] data = areas.get(index);
        return data == null ? null : data.clone();
    }

    public Map<Integer, byte[]> all() {
        Map<Integer, byte[]> out = new TreeMap<>();
        areas.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    public void load(Map<Integer, byte[]> saved) {
        areas.clear();
        saved.forEach((k, v) -> areas.put(k, v.clone()));
    }
}
