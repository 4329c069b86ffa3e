package hvlab.vmm.paging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Which frames may hold translated code: pure bookkeeping, frame by frame. */
class CodeFramesTest {
    private final CodeFrames frames = new CodeFrames();

    @Test
    void aTranslatedBlockMarksEveryFrameItTouchesAndNoOther() {
        frames.translated(0x2ff0, 0x20); // across 0x2000 and 0x3000
        assertTrue(frames.anyIn(0x2000, 1));
        assertTrue(frames.anyIn(0x3fff, 1));
        assertFalse(frames.anyIn(0x1000, 0x1000), "the frame below");
        assertFalse(frames.anyIn(0x4000, 0x1000), "the frame above");
        assertTrue(frames.anyIn(0x0, 0x10000), "a long write over both");
        assertEquals(2, frames.count());
    }

    @Test
    void droppingForgetsOnlyTheFramesDropped() {
        frames.translated(0x5000, 0x3000);
        frames.dropped(0x6000, 1);
        assertFalse(frames.anyIn(0x6000, 0x1000));
        assertTrue(frames.anyIn(0x5000, 1));
        assertTrue(frames.anyIn(0x7000, 1));
    }

    @Test
    void hostileRangesAreHarmless() {
        frames.translated(-1, 10);
        frames.translated(0x1000, 0);
        frames.translated(Long.MAX_VALUE - 5, 4);
        assertFalse(frames.anyIn(-4096, 10));
        assertFalse(frames.anyIn(0x1000, -1));
        assertTrue(frames.anyIn(Long.MAX_VALUE - 5, 1), "clamped to the last frame, never wrapped");
        frames.dropped(Long.MAX_VALUE - 5, 4);
        assertEquals(0, frames.count());
    }
}
