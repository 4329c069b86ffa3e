package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PowerButtonTest {
    final List<Boolean> irq9 = new ArrayList<>();
    int powerOffs;
    final PowerButton button = new PowerButton(irq9::add, () -> powerOffs++);

    @Test
    void aPressIsStickyUntilAcknowledgedWithAOne() {
        assertEquals(0, button.read(0x4F0, 1));
        button.press();
        assertEquals(1, button.read(0x4F0, 1));
        button.write(0x4F0, 1, 0);
        assertEquals(1, button.read(0x4F0, 1), "writing 0 leaves it set");
        button.write(0x4F0, 1, 1);
        assertEquals(0, button.read(0x4F0, 1));
        assertEquals(List.of(), irq9, "no interrupt unless enabled");
    }

    @Test
    void withTheInterruptEnabledIrq9IsHighWhilePressed() {
        button.write(0x4F1, 1, 0x01);
        assertEquals(0x01, button.read(0x4F1, 1));
        button.press();
        button.press();
        assertEquals(List.of(true), irq9, "two presses before the acknowledge: one interrupt");
        button.write(0x4F0, 1, 1);
        assertEquals(List.of(true, false), irq9);
        button.write(0x4F1, 1, 0x00);
        button.press();
        button.write(0x4F1, 1, 0x01);
        assertEquals(List.of(true, false, true), irq9, "enabling with a press pending interrupts at once");
        assertEquals(3, button.presses());
    }

    @Test
    void bit7OfControlPowersOff() {
        button.write(0x4F1, 1, 0x01);
        assertEquals(0, powerOffs);
        button.write(0x4F1, 1, 0x80);
        assertEquals(1, powerOffs);
        assertEquals(0, button.read(0x4F1, 1), "POWER_OFF is not a stored bit; the enable was cleared");
    }

    @Test
    void saveAndRestore() {
        button.write(0x4F1, 1, 0x01);
        button.press();
        List<Boolean> otherIrq = new ArrayList<>();
        PowerButton fresh = new PowerButton(otherIrq::add, () -> { });
        fresh.restore(button.save());
        assertEquals(1, fresh.read(0x4F0, 1));
        assertEquals(1, fresh.read(0x4F1, 1));
        fresh.write(0x4F0, 1, 1);
        assertEquals(List.of(false), otherIrq, "the restored line was high");
        assertThrows(IllegalArgumentException.class, () -> fresh.restore(new DebugExitDevice.State()));
    }
}
