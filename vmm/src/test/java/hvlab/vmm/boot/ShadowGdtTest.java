package hvlab.vmm.boot;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Ring compression and the privilege views, descriptor by descriptor (ShadowGdt.shadowOf is pure). */
class ShadowGdtTest {
    private static SegmentDescriptor shadow(long guest, int cpl) {
        return SegmentDescriptor.decode(ShadowGdt.shadowOf(guest, cpl));
    }

    private static long code(int dpl, int type) {
        return new SegmentDescriptor(0, 0xFFFFF, type, false, dpl, true, true, true).encode();
    }

    @Test
    void kernelCodeIsRingThreeButOnlyInTheKernelsView() {
        long kernelCode = code(0, 0xA);
        assertEquals(3, shadow(kernelCode, 0).dpl(), "compressed to the real CPL");
        assertTrue(shadow(kernelCode, 0).present());
        assertFalse(shadow(kernelCode, 3).present(), "a user task may not use it");
    }

    @Test
    void conformingCodeIsVisibleFromItsLevelUp() {
        long conforming = code(0, 0xE);
        assertTrue(shadow(conforming, 0).present());
        assertTrue(shadow(conforming, 3).present(), "conforming code runs at its caller's level");
        assertFalse(shadow(code(3, 0xE), 0).present(), "but never below its DPL");
    }

    @Test
    void executeOnlyCodeBecomesReadable() {
        // Unicorn refuses to load CS (for the VMM) from an execute-only segment.
        assertEquals(0xB, shadow(code(0, 0x8), 0).type());
    }

    @Test
    void kernelDataIsHiddenFromUserTasks() {
        long kernelData = SegmentDescriptor.flat(false, 0).encode();
        assertTrue(shadow(kernelData, 0).present());
        assertFalse(shadow(kernelData, 3).present());
        assertTrue(shadow(SegmentDescriptor.flat(false, 3).encode(), 0).present(), "the kernel sees user data");
    }

    @Test
    void systemDescriptorsNeverReachTheRealGdt() {
        long tss = new SegmentDescriptor(0x1000, 0x67, 0x9, true, 0, true, false, false).encode();
        long callGate = 0x0000EC0000080000L;
        assertEquals(0, ShadowGdt.shadowOf(tss, 0));
        assertEquals(0, ShadowGdt.shadowOf(callGate, 3));
    }

    @Test
    void theVmmsEntriesAreBeyondEveryGuestGdt() {
        assertTrue(ShadowGdt.reserved(BootLayout.VMM_TSS));
        assertTrue(ShadowGdt.reserved(BootLayout.VMM_CODE | 3));
        assertTrue(ShadowGdt.reserved(BootLayout.VMM_DATA));
        assertFalse(ShadowGdt.reserved(BootLayout.VMM_TSS - 8));
    }
}
