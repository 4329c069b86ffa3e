package hvlab.vmm.devices;

/**
 * One interrupt request wire on the ISA bus, driven by a device and sensed by an interrupt
 * controller input (or by the CPU's INTR pin). A wire has a level, not a message: the 8259A in
 * edge-triggered mode latches a request on the low-to-high transition, so a device signals
 * "again" by dropping the line and raising it once more.
 */
@FunctionalInterface
public interface InterruptLine {

    /** A wire that goes nowhere, for devices whose output is not connected. */
    InterruptLine UNCONNECTED = high -> { };

    void set(boolean high);

    default void raise() {
        set(true);
    }

    default void lower() {
        set(false);
    }
}
