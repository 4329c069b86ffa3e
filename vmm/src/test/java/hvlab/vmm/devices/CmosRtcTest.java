package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.*;

/** The MC146818 through ports 0x70 and 0x71, on virtual time. */
class CmosRtcTest {
    static final long SECOND = 1_000_000_000L;
    /** Friday 2026-01-02 13:45:59 UTC. */
    static final long START = LocalDateTime.of(2026, 1, 2, 13, 45, 59).toEpochSecond(ZoneOffset.UTC);

    final CmosRtc rtc = new CmosRtc(START);

    int in(int register) {
        rtc.write(0x70, 1, register);
        return rtc.read(0x71, 1);
    }

    void out(int register, int value) {
        rtc.write(0x70, 1, register);
        rtc.write(0x71, 1, value);
    }

    @Test
    void bcd24HourAtPowerOn() {
        assertEquals(0x59, in(0x00));
        assertEquals(0x45, in(0x02));
        assertEquals(0x13, in(0x04));
        assertEquals(6, in(0x06), "Friday (1 is Sunday)");
        assertEquals(0x02, in(0x07));
        assertEquals(0x01, in(0x08));
        assertEquals(0x26, in(0x09));
        assertEquals(0x20, in(0x32), "century");
        assertEquals(0x02, in(0x0B), "24-hour, BCD");
        assertEquals(0x80, in(0x0D), "valid RAM and time");
    }

    @Test
    void theClockFollowsVirtualTimeAndRollsOverTheYear() {
        CmosRtc newYear = new CmosRtc(LocalDateTime.of(2099, 12, 31, 23, 59, 58).toEpochSecond(ZoneOffset.UTC));
        newYear.advance(SECOND);
        newYear.write(0x70, 1, 0x00);
        assertEquals(0x59, newYear.read(0x71, 1));
        newYear.advance(SECOND - 1);
        assertEquals(0x59, newYear.read(0x71, 1), "a second is not over one nanosecond early");
        newYear.advance(1);
        assertEquals(0x00, newYear.read(0x71, 1));
        newYear.write(0x70, 1, 0x32);
        assertEquals(0x21, newYear.read(0x71, 1), "2100: a new century");
    }

    @Test
    void binaryAnd12HourFormats() {
        out(0x0B, 0x04);                                       // binary, 12-hour
        assertEquals(59, in(0x00));
        assertEquals(0x80 | 1, in(0x04), "1 PM");
        assertEquals(26, in(0x09));
        out(0x0B, 0x00);                                       // BCD, 12-hour
        assertEquals(0x81, in(0x04));
        CmosRtc midnight = new CmosRtc(LocalDateTime.of(2026, 1, 1, 0, 30).toEpochSecond(ZoneOffset.UTC));
        midnight.write(0x70, 1, 0x0B);
        midnight.write(0x71, 1, 0x00);
        midnight.write(0x70, 1, 0x04);
        assertEquals(0x12, midnight.read(0x71, 1), "half past midnight is 12 AM");
    }

    @Test
    void updateInProgressIsSetInTheLast244MicrosecondsOfASecond() {
        assertEquals(0, in(0x0A) & 0x80);
        rtc.advance(SECOND - 244_000 - 1);
        assertEquals(0, in(0x0A) & 0x80);
        rtc.advance(1);
        assertEquals(0x80, in(0x0A) & 0x80);
        rtc.advance(244_000);
        assertEquals(0, in(0x0A) & 0x80, "the update is done");
        assertEquals(0x26, in(0x0A) & 0x7F, "divider and rate as the BIOS leaves them");
    }

    @Test
    void settingTheTimeWithTheSetBitAsLinuxDoes() {
        rtc.advance(SECOND / 2);
        out(0x0B, 0x82);                                       // SET: updates stop
        rtc.advance(5 * SECOND);
        assertEquals(0x59, in(0x00), "frozen while SET is on");
        out(0x00, 0x30);
        out(0x02, 0x15);
        out(0x04, 0x08);
        out(0x08, 0x02);                                       // February first: the 2nd stays valid
        out(0x07, 0x28);
        out(0x09, 0x24);
        out(0x32, 0x20);
        assertEquals(0x28, in(0x07), "plain storage while SET is on");
        out(0x0B, 0x02);                                       // SET off: counts on from here
        assertEquals(LocalDateTime.of(2024, 2, 28, 8, 15, 30).toEpochSecond(ZoneOffset.UTC), rtc.epochSeconds());
        rtc.advance(SECOND);
        assertEquals(0x31, in(0x00));
        assertEquals(4, in(0x06), "Wednesday, computed from the date");
    }

    @Test
    void aTimeRegisterWrittenWithoutSetTakesEffectAtOnce() {
        out(0x04, 0x22);
        assertEquals(0x22, in(0x04));
        assertEquals(0x45, in(0x02), "the rest is unchanged");
        rtc.advance(SECOND);
        assertEquals(0x00, in(0x00));
        assertEquals(0x46, in(0x02));
    }

    @Test
    void nonsenseDatesRollOverInsteadOfFailing() {
        out(0x0B, 0x86);                                       // SET, binary, 24-hour
        out(0x08, 2);
        out(0x07, 31);                                         // 31 February
        out(0x04, 200);
        out(0x32, 255);
        out(0x09, 255);
        out(0x0B, 0x06);
        assertDoesNotThrow(() -> in(0x09));
        for (int r = 0; r < 0x100; r++) {
            int register = r;
            assertDoesNotThrow(() -> out(register, 0xFF));
            assertDoesNotThrow(() -> in(register));
        }
    }

    @Test
    void cmosRamKeepsBytesAndTheIndexPortFloats() {
        out(0x40, 0xA5);
        out(0x7F, 0x5A);
        assertEquals(0xA5, in(0x40));
        assertEquals(0x5A, in(0xFF), "bit 7 of the index is the NMI mask: 0xFF is register 0x7F");
        assertEquals(0xFF, rtc.read(0x70, 1));
        out(0x0C, 0xFF);
        out(0x0D, 0x00);
        assertEquals(0x00, in(0x0C), "no interrupt flags: the interrupts are not modelled");
        assertEquals(0x80, in(0x0D), "read-only");
    }

    @Test
    void startTimesOutsideTheRegistersAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CmosRtc(Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("0 to 9999"), e.getMessage());
    }

    @Test
    void saveAndRestoreInTheMiddleOfSettingTheTime() {
        out(0x40, 0x11);
        rtc.advance(3 * SECOND / 2);
        out(0x0B, 0x82);
        out(0x04, 0x07);
        DeviceState saved = rtc.save();

        CmosRtc copy = new CmosRtc(0);
        copy.restore(saved);
        copy.write(0x70, 1, 0x0B);
        copy.write(0x71, 1, 0x02);
        rtc.write(0x70, 1, 0x0B);
        rtc.write(0x71, 1, 0x02);
        for (CmosRtc clock : new CmosRtc[] {rtc, copy}) clock.advance(2 * SECOND);
        assertEquals(rtc.epochSeconds(), copy.epochSeconds());
        assertEquals(LocalDateTime.of(2026, 1, 2, 7, 46, 2).toEpochSecond(ZoneOffset.UTC), copy.epochSeconds());
        copy.write(0x70, 1, 0x40);
        assertEquals(0x11, copy.read(0x71, 1));
        assertThrows(IllegalArgumentException.class, () -> copy.restore(new DebugExitDevice.State()));
    }
}
