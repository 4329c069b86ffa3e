package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The I/O APIC through IOREGSEL and IOWIN, as xv6's ioapic.c drives it, and with hostile register numbers. */
class IoApicTest {
    final LocalApic lapic = new LocalApic(new InterruptController());
    final IoApic ioapic = new IoApic(lapic);

    int read(int register) {
        ioapic.write(0x00, 4, register);
        return ioapic.read(0x10, 4);
    }

    void write(int register, int value) {
        ioapic.write(0x00, 4, register);
        ioapic.write(0x10, 4, value);
    }

    IoApicTest() {
        lapic.write(0xF0, 4, 0x1FF);        // software-enable the local APIC
        lapic.write(0x350, 4, 0x10000);     // LINT0 masked, as xv6 does
    }

    /** xv6's ioapicinit then ioapicenable(irq, cpu 0): edge, active high, vector 32 + irq. */
    void xv6Enable(int irq) {
        write(0x10 + 2 * irq, 32 + irq);
        write(0x10 + 2 * irq + 1, 0);
    }

    @Test
    void identifiesItselfAsA24PinIoApicWithEveryEntryMasked() {
        assertEquals(IoApic.APIC_ID << 24, read(0x00));
        assertEquals(23, (read(0x01) >> 16) & 0xFF);
        assertEquals(0x11, read(0x01) & 0xFF);
        for (int pin = 0; pin < IoApic.PINS; pin++) {
            assertEquals(0x10000, read(0x10 + 2 * pin), "pin " + pin);
        }
    }

    @Test
    void routesAnEdgeToTheLocalApicOnlyWhenUnmasked() {
        ioapic.setPin(1, true);
        ioapic.setPin(1, false);
        assertFalse(lapic.hasPendingInterrupt(), "masked");
        xv6Enable(1);
        ioapic.setPin(1, true);
        ioapic.setPin(1, true); // still high: no second edge
        assertEquals(33, lapic.acknowledge());
        lapic.write(0xB0, 4, 0);
        assertFalse(lapic.hasPendingInterrupt());
        ioapic.setPin(1, false);
        ioapic.setPin(1, true);
        assertEquals(33, lapic.acknowledge());
    }

    @Test
    void aLevelEntryWaitsForTheEoiAndAsksAgainWhileTheLineIsHigh() {
        write(0x10 + 2 * 14, 0x8000 | 46); // level triggered, vector 46
        write(0x11 + 2 * 14, 0);
        ioapic.setPin(14, true);
        assertEquals(46, lapic.acknowledge());
        assertNotEquals(0, read(0x10 + 2 * 14) & 0x4000, "Remote IRR");
        lapic.write(0xB0, 4, 0);                   // EOI while still high: delivered again
        assertEquals(46, lapic.acknowledge());
        ioapic.setPin(14, false);
        lapic.write(0xB0, 4, 0);
        assertEquals(0, read(0x10 + 2 * 14) & 0x4000);
        assertFalse(lapic.hasPendingInterrupt());
    }

    @Test
    void anotherDestinationOrDeliveryModeIsDropped() {
        write(0x10 + 2 * 4, 36);
        write(0x11 + 2 * 4, 1 << 24);       // APIC 1: no such CPU
        ioapic.setPin(4, true);
        write(0x10 + 2 * 5, 0x400 | 37);    // NMI delivery: not modelled
        write(0x11 + 2 * 5, 0);
        ioapic.setPin(5, true);
        assertFalse(lapic.hasPendingInterrupt());
        assertEquals(2, ioapic.dropped());
    }

    @Test
    void hostileRegisterNumbersAndSizesChangeNothing() {
        for (int register : new int[] {0x03, 0x0F, 0x40, 0x41, 0xFF, 0xFFFFFF03}) {
            write(register, 0xFFFFFFFF);
            assertEquals(0, read(register), "register " + register);
        }
        assertEquals(0x03, ioapic.read(0x00, 4), "IOREGSEL keeps 8 bits");
        ioapic.write(0x10, 2, 0xFFFF);          // 16-bit IOWIN: ignored
        ioapic.write(0x04, 4, 0xFFFF);          // neither register
        assertEquals(0, ioapic.read(0x10, 1));
        write(0x10, 0xFFFFFFFF);                // every bit of entry 0: read-only ones stay clear
        assertEquals(0x0001AFFF, read(0x10));
        write(0x00, 0xFFFFFFFF);
        assertEquals(0x0F000000, read(0x00), "ID keeps four bits");
        assertThrows(IllegalArgumentException.class, () -> ioapic.setPin(24, true));
        assertTrue(ioapic.ignoredAccesses() >= 12);
    }

    @Test
    void savesAndRestoresTheTable() {
        xv6Enable(14);
        write(0x10 + 2 * 3, 0x8000 | 35);
        ioapic.setPin(3, true);
        IoApic.State saved = (IoApic.State) ioapic.save();
        LocalApic otherLapic = new LocalApic(new InterruptController());
        IoApic copy = new IoApic(otherLapic);
        copy.restore(saved);
        assertArrayEquals(saved.redirection(), ((IoApic.State) copy.save()).redirection());
        assertEquals(saved.pinLevels(), ((IoApic.State) copy.save()).pinLevels());
        assertThrows(IllegalArgumentException.class,
                () -> copy.restore(new IoApic.State(0, 0, 0, new long[3], 0, 0)));
    }
}
