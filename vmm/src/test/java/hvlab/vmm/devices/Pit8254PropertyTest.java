package hvlab.vmm.devices;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Virtual time laws of the 8254 that must hold for every divisor and every way of slicing time. */
class Pit8254PropertyTest {

    private static Pit8254 periodic(int mode, int divisor) {
        Pit8254 pit = new Pit8254(InterruptLine.UNCONNECTED);
        pit.write(0x43, 1, 0x30 | mode << 1);
        pit.write(0x40, 1, divisor & 0xFF);
        pit.write(0x40, 1, divisor >> 8);
        return pit;
    }

    @Property
    void periodicModesInterruptOncePerWholePeriod(@ForAll @IntRange(min = 2, max = 0xFFFF) int divisor,
                                                  @ForAll @LongRange(max = 3_000_000) long ticks,
                                                  @ForAll boolean squareWave) {
        Pit8254 pit = periodic(squareWave ? 3 : 2, divisor);
        pit.advanceTicks(ticks);
        assertEquals(ticks / divisor, pit.interruptsRaised());
    }

    @Property
    void howTimeIsSlicedChangesNothing(@ForAll @IntRange(min = 2, max = 0xFFFF) int divisor,
                                       @ForAll @Size(max = 30) List<@LongRange(max = 20_000_000) Long> slices) {
        Pit8254 sliced = periodic(2, divisor);
        Pit8254 whole = periodic(2, divisor);
        long total = 0;
        for (long nanos : slices) {
            sliced.advance(nanos);
            total += nanos;
        }
        whole.advance(total);
        assertEquals(total * Pit8254.INPUT_HZ / 1_000_000_000L, whole.ticks());
        assertEquals(whole.ticks(), sliced.ticks());
        assertEquals(whole.interruptsRaised(), sliced.interruptsRaised());
        assertEquals(whole.nanosUntilNextInterrupt(), sliced.nanosUntilNextInterrupt());
        sliced.write(0x43, 1, 0x00);
        whole.write(0x43, 1, 0x00);
        assertEquals(whole.read(0x40, 1), sliced.read(0x40, 1));
        assertEquals(whole.read(0x40, 1), sliced.read(0x40, 1));
    }

    @Property
    void fastForwardingLandsExactlyOnTheNextInterrupt(@ForAll @IntRange(min = 2, max = 0xFFFF) int divisor,
                                                      @ForAll @LongRange(max = 200_000_000) long before,
                                                      @ForAll boolean squareWave) {
        Pit8254 pit = periodic(squareWave ? 3 : 2, divisor);
        pit.advance(before);
        long raised = pit.interruptsRaised();
        long wait = pit.nanosUntilNextInterrupt();
        assertTrue(wait > 0);
        pit.advance(wait - 1);
        assertEquals(raised, pit.interruptsRaised(), "one nanosecond short");
        pit.advance(1);
        assertEquals(raised + 1, pit.interruptsRaised());
    }
}
