package hvlab.vmm.devices;

/**
 * A byte written to the 8254's control word register (port 0x43), decoded. Bits 7-6 select a
 * counter, or 0b11 for the 8254's read-back command (the older 8253 has no read-back); bits
 * 5-4 choose the access mode, where 0b00 means "latch this counter's count" instead; bits 3-1
 * are the operating mode and bit 0 selects BCD counting (Intel 8254 datasheet, "Control Word
 * Format").
 */
public sealed interface PitCommand {

    /** How the 16-bit count crosses the 8-bit data bus. */
    enum Access {
        LOW_BYTE, HIGH_BYTE, LOW_THEN_HIGH
    }

    /** The six operating modes, numbered as in the datasheet. */
    enum Mode {
        /** OUT low from the count write until terminal count, then high: a one-shot IRQ. */
        INTERRUPT_ON_TERMINAL_COUNT,
        /** Retriggered by a rising GATE edge. */
        HARDWARE_ONE_SHOT,
        /** OUT pulses low for one clock every N clocks: a divide-by-N tick. */
        RATE_GENERATOR,
        /** OUT high for half of N clocks, low for the other half; the BIOS's 18.2 Hz timer. */
        SQUARE_WAVE,
        /** Like mode 0, but OUT is a one-clock low strobe at terminal count. */
        SOFTWARE_STROBE,
        /** Mode 4 started by a rising GATE edge. */
        HARDWARE_STROBE
    }

    /** Selects a counter's access and operating mode; the counter then waits for a new count. */
    record Program(int counter, Access access, Mode mode, boolean bcd) implements PitCommand { }

    /** Freezes a counter's current count in its output latch until the guest has read it. */
    record LatchCount(int counter) implements PitCommand { }

    /** Latches count and/or status of every counter whose bit (0-2) is set in {@code counters}. */
    record ReadBack(boolean count, boolean status, int counters) implements PitCommand { }

    static PitCommand decode(int controlWord) {
        int select = (controlWord >> 6) & 3;
        if (select == 3) {
            // The latch bits are active low: 0 means "do latch".
            return new ReadBack((controlWord & 0x20) == 0, (controlWord & 0x10) == 0, (controlWord >> 1) & 7);
        }
        int access = (controlWord >> 4) & 3;
        if (access == 0) {
            return new LatchCount(select);
        }
        int mode = (controlWord >> 1) & 7;
        // Bit 3 is "don't care" for modes 2 and 3, so 6 and 7 are their aliases.
        Mode decoded = Mode.values()[mode > 5 ? mode - 4 : mode];
        return new Program(select, Access.values()[access - 1], decoded, (controlWord & 1) != 0);
    }
}
