package hvlab.vmm.devices;

/**
 * The local APIC's three 256-bit registers and its priority rules (Intel SDM Vol. 3A, 10.8):
 * IRR, the vectors accepted and waiting for the CPU; ISR, the vectors the CPU took whose handler
 * has not yet written EOI; TMR, which of those came level-triggered (their EOI goes on to the I/O
 * APIC). A vector's priority class is its upper four bits. The processor priority (PPR) is the
 * higher of the task priority (TPR) and the class of the highest vector in service; a waiting
 * vector interrupts only if its class is above the PPR's, so a handler is never interrupted by
 * its own class or a lower one, and a kernel raises TPR to hold interrupts back.
 */
final class ApicVectors {
    private final int[] irr = new int[8];
    private final int[] isr = new int[8];
    private final int[] tmr = new int[8];

    /** Accepts {@code vector} into IRR (a second request of a vector already waiting merges with it). */
    void request(int vector, boolean level) {
        set(irr, vector, true);
        set(tmr, vector, level);
    }

    /** PPR from TPR and ISR (SDM 10.8.3.1). */
    int processorPriority(int tpr) {
        int inService = highest(isr);
        int isrClass = inService < 0 ? 0 : inService & 0xF0;
        return (tpr & 0xF0) >= isrClass ? tpr & 0xFF : isrClass;
    }

    /** The vector the CPU would be interrupted with now, or -1. */
    int deliverable(int tpr) {
        int request = highest(irr);
        if (request < 0 || (request & 0xF0) <= (processorPriority(tpr) & 0xF0)) {
            return -1;
        }
        return request;
    }

    /** The CPU takes {@code vector}: from IRR into ISR. */
    void beginService(int vector) {
        set(irr, vector, false);
        set(isr, vector, true);
    }

    /**
     * EOI: the highest vector in service is done. Returns it, with bit 8 set if it came
     * level-triggered (the I/O APIC must hear of it), or -1 if nothing was in service.
     */
    int endOfInterrupt() {
        int vector = highest(isr);
        if (vector < 0) {
            return -1;
        }
        set(isr, vector, false);
        return get(tmr, vector) ? vector | 0x100 : vector;
    }

    /** One 32-bit word (0-7) of IRR, ISR or TMR, as the registers at 0x100, 0x180, 0x200 show them. */
    int isrWord(int i) {
        return isr[i];
    }

    int tmrWord(int i) {
        return tmr[i];
    }

    int irrWord(int i) {
        return irr[i];
    }

    void clear() {
        java.util.Arrays.fill(irr, 0);
        java.util.Arrays.fill(isr, 0);
        java.util.Arrays.fill(tmr, 0);
    }

    int[] save() {
        int[] all = new int[24];
        System.arraycopy(irr, 0, all, 0, 8);
        System.arraycopy(isr, 0, all, 8, 8);
        System.arraycopy(tmr, 0, all, 16, 8);
        return all;
    }

    void restore(int[] all) {
        if (all == null || all.length != 24) {
            throw new IllegalArgumentException("a local APIC's saved IRR, ISR and TMR are 24 words");
        }
        System.arraycopy(all, 0, irr, 0, 8);
        System.arraycopy(all, 8, isr, 0, 8);
        System.arraycopy(all, 16, tmr, 0, 8);
    }

    private static int highest(int[] bits) {
        for (int word = 7; word >= 0; word--) {
            if (bits[word] != 0) {
                return word * 32 + 31 - Integer.numberOfLeadingZeros(bits[word]);
            }
        }
        return -1;
    }

    private static boolean get(int[] bits, int vector) {
        return (bits[vector >> 5] & (1 << (vector & 31))) != 0;
    }

    private static void set(int[] bits, int vector, boolean on) {
        if (on) bits[vector >> 5] |= 1 << (vector & 31);
        else bits[vector >> 5] &= ~(1 << (vector & 31));
    }
}
