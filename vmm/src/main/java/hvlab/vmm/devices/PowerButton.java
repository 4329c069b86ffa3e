package hvlab.vmm.devices;

/**
 * hvlab's power button and soft-off switch, at ports 0x4F0-0x4F1: the part of ACPI's fixed
 * power-management hardware (ACPI 6.5, 4.8.3.1, PM1 event and control registers) that a guest
 * needs to shut down cleanly when the host asks, without ACPI tables to find it by. The VMM
 * presses the button ({@code vm shutdown}); the guest decides what to do about it, as an
 * operating system does, and may ignore it, which is why a host also has a hard power-off.
 *
 * <pre>
 *  0x4F0 status   read:  bit 0 PRESSED, set when the button is pressed, sticky
 *                 write: 1 in bit 0 clears PRESSED (write-1-to-clear, like ACPI's PWRBTN_STS)
 *  0x4F1 control  read:  bit 0 INTERRUPT_ENABLE
 *                 write: bit 0 INTERRUPT_ENABLE: IRQ9 while PRESSED is set (like PWRBTN_EN and the SCI)
 *                        bit 7 POWER_OFF: writing 1 turns the machine off at once (like SLP_EN with S5)
 * </pre>
 *
 * IRQ9 is a level: high while PRESSED and INTERRUPT_ENABLE are both set, so with the PIC in edge
 * mode one press is one interrupt, and the handler clears PRESSED before its EOI. A press the
 * guest has not acknowledged yet merges with the next one, as ACPI's status bit does.
 */
public final class PowerButton implements IoDevice {
    public static final int STATUS_PORT = 0x4F0;
    public static final int CONTROL_PORT = 0x4F1;
    public static final int IRQ = 9;
    public static final int STATUS_PRESSED = 0x01;
    public static final int CONTROL_INTERRUPT_ENABLE = 0x01;
    public static final int CONTROL_POWER_OFF = 0x80;

    public record State(boolean pressed, boolean interruptEnabled, long presses) implements DeviceState {}

    private final InterruptLine irq;
    private final Runnable powerOff;
    private boolean pressed;
    private boolean interruptEnabled;
    private long presses;
    private boolean irqHigh;

    /**
     * @param irq      normally {@code pic.line(9)}
     * @param powerOff called when the guest turns the machine off
     */
    public PowerButton(InterruptLine irq, Runnable powerOff) {
        this.irq = irq;
        this.powerOff = powerOff;
    }

    @Override
    public String name() {
        return "power button";
    }

    @Override
    public String id() {
        return "power";
    }

    @Override
    public int firstPort() {
        return STATUS_PORT;
    }

    @Override
    public int portCount() {
        return 2;
    }

    @Override
    public DeviceState save() {
        return new State(pressed, interruptEnabled, presses);
    }

    /** Takes up a saved state; IRQ9 is not driven again (the PIC is restored with the level it had). */
    @Override
    public void restore(DeviceState saved) {
        State s = Device.expect(State.class, saved, id());
        pressed = s.pressed();
        interruptEnabled = s.interruptEnabled();
        presses = s.presses();
        irqHigh = pressed && interruptEnabled;
    }

    @Override
    public int read(int port, int size) {
        if (port == STATUS_PORT) return pressed ? STATUS_PRESSED : 0;
        return interruptEnabled ? CONTROL_INTERRUPT_ENABLE : 0;
    }

    @Override
    public void write(int port, int size, int value) {
        if (port == STATUS_PORT) {
            if ((value & STATUS_PRESSED) != 0) pressed = false;
        } else {
            interruptEnabled = (value & CONTROL_INTERRUPT_ENABLE) != 0;
            if ((value & CONTROL_POWER_OFF) != 0) powerOff.run();
        }
        updateIrq();
    }

    /** Someone pressed the button. */
    public void press() {
        pressed = true;
        presses++;
        updateIrq();
    }

    /** How many times the button was pressed since power-on. */
    public long presses() {
        return presses;
    }

    private void updateIrq() {
        boolean high = pressed && interruptEnabled;
        if (high != irqHigh) {
            irqHigh = high;
            irq.set(high);
        }
    }
}
