package hvlab.tui.language;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** LO..HI bounds for expect share. */
class ShareRangeTest {

    @Test
    void parsesBothEndsIncluded() {
        ShareRange range = ShareRange.parse("0.45..0.55");
        assertEquals(0.45, range.low());
        assertEquals(0.55, range.high());
        assertTrue(range.contains(0.45));
        assertTrue(range.contains(0.55));
        assertTrue(range.contains(0.5));
        assertFalse(range.contains(0.31));
        assertFalse(range.contains(0.5500001));
        assertEquals("0.45..0.55", range.toString());
        assertTrue(ShareRange.parse("0..0.2").contains(0));
        assertTrue(ShareRange.parse("1..1").contains(1));
    }

    @Test
    void badRangesAreRefused() {
        for (String bad : new String[] {"0.5", "0.6..0.4", "a..b", "..0.5", "0.1..", "-0.1..0.2", "0.1...0.2", "0.1..0.2..0.3", "NaN..1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShareRange.parse(bad), bad);
            assertEquals("bad share range '" + bad + "' (use LO..HI, fractions of one CPU with LO <= HI, e.g. 0.45..0.55)", e.getMessage());
        }
    }

    @Test
    void showUsesMoreDecimalsOnlyWhenTwoWouldHideTheFailure() {
        ShareRange range = ShareRange.parse("0.45..0.55");
        assertEquals("0.31", range.show(0.3123));
        assertEquals("0.50", range.show(0.5));
        assertEquals("0.4496", range.show(0.4496));
    }
}
