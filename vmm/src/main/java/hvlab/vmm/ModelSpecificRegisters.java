package hvlab.vmm;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The model-specific registers a 32-bit kernel touches (SDM Vol. 4), virtualized. RDMSR and
 * WRMSR of any other index raise #GP(0), as a real CPU does for an MSR it does not implement.
 *
 * <p>The time-stamp counter is virtual too: {@link #readTsc()} never reads the host clock. It
 * moves forward by a fixed step per read plus whatever virtual time the VMM adds, so it is
 * monotonic and the same run of the same guest sees the same values (what replay needs).
 */
public final class ModelSpecificRegisters {
    public static final int TSC = 0x10;
    public static final int APIC_BASE = 0x1B;
    public static final int SYSENTER_CS = 0x174;
    public static final int SYSENTER_ESP = 0x175;
    public static final int SYSENTER_EIP = 0x176;
    public static final int PAT = 0x277;
    /** Cycles the virtual TSC advances on each read, so two reads never return the same value. */
    public static final long TSC_STEP_PER_READ = 16;

    /** Index -> value for every MSR we implement; reset values from the SDM. */
    private final Map<Integer, Long> values = new TreeMap<>(Map.of(
            APIC_BASE, 0xFEE00900L,          // local APIC at its default address, enabled, BSP
            SYSENTER_CS, 0L,
            SYSENTER_ESP, 0L,
            SYSENTER_EIP, 0L,
            PAT, 0x0007040600070406L));      // the power-on page attribute table
    private long tsc;

    public static String name(int index) {
        return switch (index) {
            case TSC -> "IA32_TIME_STAMP_COUNTER";
            case APIC_BASE -> "IA32_APIC_BASE";
            case SYSENTER_CS -> "IA32_SYSENTER_CS";
            case SYSENTER_ESP -> "IA32_SYSENTER_ESP";
            case SYSENTER_EIP -> "IA32_SYSENTER_EIP";
            case PAT -> "IA32_PAT";
            default -> String.format("MSR %#x", index);
        };
    }

    /** The MSR's value, or empty if this CPU has no such MSR (the guest then gets #GP). */
    public OptionalLong read(int index) {
        if (index == TSC) {
            return OptionalLong.of(readTsc());
        }
        Long value = values.get(index);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /** Writes an MSR; false if there is no such MSR. */
    public boolean write(int index, long value) {
        if (index == TSC) {
            tsc = value;
            return true;
        }
        if (!values.containsKey(index)) {
            return false;
        }
        values.put(index, value);
        return true;
    }

    public long readTsc() {
        tsc += TSC_STEP_PER_READ;
        return tsc;
    }

    /** Moves virtual time forward (the VMM calls this as virtual time passes). */
    public void advanceTsc(long cycles) {
        tsc += Math.max(0, cycles);
    }

    public long tsc() {
        return tsc;
    }

    /** Every MSR but the TSC, by index: for save and restore. */
    public Map<Integer, Long> values() {
        return Map.copyOf(values);
    }

    public void restore(Map<Integer, Long> saved, long savedTsc) {
        values.clear();
        values.putAll(saved);
        tsc = savedTsc;
    }
}
