package hvlab.vmm.trap;

/**
 * The VMM's answer to CPUID. A guest asks CPUID what processor it runs on; a VMM must answer for
 * the virtual processor, not the real one (SDM Vol. 2, CPUID). Like every commercial hypervisor we
 * set the "hypervisor present" bit (leaf 1, ECX bit 31) and describe ourselves in the leaves from
 * 0x40000000, the range Intel and AMD reserve for hypervisors.
 */
public final class VirtualCpuid {
    public static final int HYPERVISOR_LEAF = 0x40000000;
    /** "hvlabhvlabVM" as three little-endian registers EBX, ECX, EDX. */
    public static final String SIGNATURE = "hvlabhvlabVM";
    /** Leaf 1 EDX: FPU, TSC, MSR, CX8, CMOV and the x87 extras a 32-bit kernel checks for. */
    private static final int FEATURES_EDX = (1) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 15) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26);
    private static final int HYPERVISOR_PRESENT = 1 << 31;

    /** The four registers EAX, EBX, ECX, EDX for {@code leaf} (and {@code subleaf}, unused so far). */
    public int[] answer(int leaf, int subleaf) {
        return switch (leaf) {
            case 0 -> new int[] {1, ascii("Genu"), ascii("ntel"), ascii("ineI")};
            // family 6, model 15, stepping 1: an ordinary P6-era part with no surprises.
            case 1 -> new int[] {0x000006F1, 0, HYPERVISOR_PRESENT, FEATURES_EDX};
            case HYPERVISOR_LEAF -> new int[] {HYPERVISOR_LEAF + 1,
                    ascii(SIGNATURE.substring(0, 4)), ascii(SIGNATURE.substring(4, 8)), ascii(SIGNATURE.substring(8, 12))};
            case HYPERVISOR_LEAF + 1 -> new int[] {0, 0, 0, 0};
            default -> new int[] {0, 0, 0, 0};
        };
    }

    static int ascii(String four) {
        return four.charAt(0) | four.charAt(1) << 8 | four.charAt(2) << 16 | four.charAt(3) << 24;
    }
}
