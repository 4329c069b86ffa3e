package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The 8254 on virtual time, programmed through its ports the way a guest kernel does. */
class Pit8254Test {
    private static final long MS = 1_000_000;
    /** Linux's LATCH for HZ=100: (1193182 + 50) / 100. */
    private static final int DIVISOR_100HZ = 11932;

    private final List<Boolean> irq0 = new ArrayList<>();
    private final Pit8254 pit = new Pit8254(irq0::add);

    private void out(int port, int value) {
        pit.write(port, 1, value);
    }

    private int in(int port) {
        return pit.read(port, 1);
    }

    /** Counter 0, lo/hi access, the given mode, binary; then the count, low byte first. */
    private void startCounter0(int mode, int count) {
        out(0x43, 0x30 | mode << 1);
        out(0x40, count & 0xFF);
        out(0x40, count >> 8);
    }

    private int readWord(int port) {
        int low = in(port);
        return low | in(port) << 8;
    }

    @Test
    void mode2Divisor11932TicksAt100HzOfVirtualTime() {
        startCounter0(2, DIVISOR_100HZ);
        for (int ms = 0; ms < 100; ms++) {
            pit.advance(MS);
        }
        // 11932 ticks are 10.00015 ms, so the tenth edge is due at tick 119,320: 100.0015 ms.
        // 100 ms are 119,318.2 ticks; the tenth interrupt lands 1.5 us later.
        assertEquals(9, pit.interruptsRaised());
        assertEquals(1_509, pit.nanosUntilNextInterrupt());
        pit.advance(1_509);
        assertEquals(10, pit.interruptsRaised());
        pit.advance(10 * MS - 1_509);
        assertEquals(10, pit.interruptsRaised(), "exactly ten in the first 100.0015 to 110.003 ms");
        assertEquals(20, irq0.size(), "each tick is a falling then a rising edge");
    }

    @Test
    void mode2RaisesOneEdgePerPeriodFromTheCountWrite() {
        startCounter0(2, 1000);
        pit.advanceTicks(999);
        assertEquals(0, pit.interruptsRaised());
        assertEquals(List.of(false), irq0, "OUT drops for the one tick the count is 1");
        pit.advanceTicks(1);
        assertEquals(1, pit.interruptsRaised());
        pit.advanceTicks(10_000);
        assertEquals(11, pit.interruptsRaised());
    }

    @Test
    void latchFreezesTheCountUntilBothBytesAreRead() {
        startCounter0(2, 1000);
        pit.advanceTicks(300);
        out(0x43, 0x00);
        pit.advanceTicks(50);
        out(0x43, 0x00); // ignored: the first snapshot has not been read yet
        assertEquals(700, readWord(0x40));
        assertEquals(650, readWord(0x40), "the latch is released after the high byte");
    }

    @Test
    void liveReadsCanTearAcrossABorrowWhichIsWhatTheLatchIsFor() {
        startCounter0(2, 0x0101);
        pit.advanceTicks(1); // count 0x0100
        int low = in(0x40);
        pit.advanceTicks(1); // count 0x00FF
        int high = in(0x40);
        assertEquals(0x0000, low | high << 8);
    }

    @Test
    void loHiAccessWritesAndReadsLowByteThenHighByte() {
        out(0x43, 0x34);
        out(0x40, 0xE8);
        assertEquals(Pit8254.NEVER, pit.ticksUntilNextInterrupt(), "half a count starts nothing");
        out(0x40, 0x03);
        assertEquals(1000, pit.ticksUntilNextInterrupt());
        assertEquals(0xE8, in(0x40));
        out(0x43, 0x34); // a control word resets the read flip-flop
        out(0x40, 0x10);
        out(0x40, 0x27);
        assertEquals(0x10, in(0x40));
        assertEquals(0x27, in(0x40));
    }

    @Test
    void lowByteOnlyAndHighByteOnlyAccessModes() {
        out(0x43, 0x14); // counter 0, low byte only, mode 2
        out(0x40, 100);
        assertEquals(100, pit.ticksUntilNextInterrupt());
        assertEquals(100, in(0x40));
        assertEquals(100, in(0x40), "no flip-flop: every read is the low byte");
        out(0x43, 0x24); // high byte only
        out(0x40, 0x02);
        assertEquals(512, pit.ticksUntilNextInterrupt());
        pit.advanceTicks(1);
        assertEquals(0x01, in(0x40), "count 511 reads back as its high byte");
    }

    @Test
    void mode0InterruptsOnceAtTerminalCountAndKeepsCounting() {
        out(0x43, 0x30);
        assertEquals(List.of(false), irq0, "a mode 0 control word sets OUT low");
        out(0x40, 1000 & 0xFF);
        out(0x40, 1000 >> 8);
        pit.advanceTicks(999);
        assertEquals(0, pit.interruptsRaised());
        pit.advanceTicks(1);
        assertEquals(1, pit.interruptsRaised());
        assertEquals(Pit8254.NEVER, pit.nanosUntilNextInterrupt());
        pit.advanceTicks(5);
        assertEquals(0xFFFB, readWord(0x40), "the count wraps past zero");
        pit.advanceTicks(200_000);
        assertEquals(1, pit.interruptsRaised());
    }

    @Test
    void mode0FirstByteOfANewCountStopsTheCounter() {
        startCounter0(0, 1000);
        pit.advanceTicks(400);
        out(0x40, 0x00);
        pit.advanceTicks(10_000);
        assertEquals(0, pit.interruptsRaised());
        out(0x40, 0x01);
        assertEquals(256, pit.ticksUntilNextInterrupt());
    }

    @Test
    void mode3IsASquareWaveCountingDownByTwo() {
        startCounter0(3, 10);
        pit.advanceTicks(2);
        assertEquals(6, readWord(0x40));
        pit.advanceTicks(3); // half-way: OUT falls and the count reloads
        assertEquals(List.of(false), irq0);
        assertEquals(10, readWord(0x40));
        pit.advanceTicks(5);
        assertEquals(List.of(false, true), irq0);
        assertEquals(1, pit.interruptsRaised());
    }

    @Test
    void mode3WithAnOddCountLoadsOneLessAndStaysHighOneClockLonger() {
        startCounter0(3, 5);
        List<Integer> counts = new ArrayList<>();
        for (int tick = 0; tick < 5; tick++) {
            counts.add(readWord(0x40));
            pit.advanceTicks(1);
        }
        assertEquals(List.of(4, 2, 0, 4, 2), counts);
        assertEquals(List.of(false, true), irq0, "high for 3 clocks, low for 2");
    }

    @Test
    void mode3WithCountZeroIsTheBiosEighteenPointTwoHertzTick() {
        startCounter0(3, 0);
        pit.advance(1_000_000_000);
        assertEquals(18, pit.interruptsRaised()); // 1193182 / 65536 = 18.2
    }

    @Test
    void aNewMode2CountTakesEffectAtTheEndOfTheCurrentCycle() {
        startCounter0(2, 1000);
        pit.advanceTicks(400);
        out(0x40, 500 & 0xFF);
        out(0x40, 500 >> 8);
        assertEquals(600, pit.ticksUntilNextInterrupt());
        pit.advanceTicks(600);
        assertEquals(1, pit.interruptsRaised());
        assertEquals(500, pit.ticksUntilNextInterrupt());
        pit.advanceTicks(1000);
        assertEquals(3, pit.interruptsRaised());
    }

    @Test
    void readBackReportsStatusBeforeTheCount() {
        out(0x43, 0x34);
        out(0x43, 0xE2); // read-back: status only, counter 0
        assertEquals(0x80 | 0x40 | 0x34, in(0x40), "OUT high, null count, lo/hi, mode 2, binary");
        out(0x40, 100);
        out(0x40, 0);
        pit.advanceTicks(30);
        out(0x43, 0xC2); // read-back: count and status, counter 0
        pit.advanceTicks(5);
        assertEquals(0x80 | 0x34, in(0x40));
        assertEquals(70, readWord(0x40));
    }

    @Test
    void bcdCountsInDecimal() {
        out(0x43, 0x35); // counter 0, lo/hi, mode 2, BCD
        out(0x40, 0x00);
        out(0x40, 0x10); // 1000 decimal
        assertEquals(1000, pit.ticksUntilNextInterrupt());
        pit.advanceTicks(1);
        assertEquals(0x0999, readWord(0x40));
    }

    @Test
    void onlyCounter0ReachesIrq0() {
        out(0x43, 0x74); // counter 1, lo/hi, mode 2
        out(0x41, 100);
        out(0x41, 0);
        out(0x43, 0xB6); // counter 2, lo/hi, mode 3
        out(0x42, 50);
        out(0x42, 0);
        pit.advanceTicks(10_030);
        assertEquals(0, pit.interruptsRaised());
        assertEquals(Pit8254.NEVER, pit.nanosUntilNextInterrupt());
        assertEquals(70, readWord(0x41));
    }

    @Test
    void ticksLostWhileTheGuestHasNotAcknowledgedMergeInThePic() {
        InterruptController pic = new InterruptController();
        Pit8254 timer = new Pit8254(pic.line(0));
        pic.master().write(0x21, 1, 0xFA); // unmask IRQ0 (and the cascade)
        timer.write(0x43, 1, 0x34);
        timer.write(0x40, 1, DIVISOR_100HZ & 0xFF);
        timer.write(0x40, 1, DIVISOR_100HZ >> 8);
        timer.advance(35 * MS);
        assertEquals(3, timer.interruptsRaised());
        assertEquals(0x08, pic.acknowledge());
        pic.master().write(0x20, 1, 0x20);
        assertFalse(pic.hasPendingInterrupt(), "three edges, one IRR bit: two ticks lost");
        timer.advance(timer.nanosUntilNextInterrupt());
        assertTrue(pic.hasPendingInterrupt());
    }

    @Test
    void anUnprogrammedPitNeverInterruptsAndTimeOnlyRunsForward() {
        pit.advance(3_600_000_000_000L);
        assertEquals(Pit8254.NEVER, pit.nanosUntilNextInterrupt());
        assertEquals(3_600L * Pit8254.INPUT_HZ, pit.ticks());
        assertThrows(IllegalArgumentException.class, () -> pit.advance(-1));
    }
}
