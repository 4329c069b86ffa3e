package hvlab.vmm.paging;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FrameAliasesTest {
    private final FrameAliases aliases = new FrameAliases();

    @Test
    void aFrameShownAtTwoPagesIsFoundFromEitherSide() {
        aliases.put(new FrameRuns.Run(0x1000, 0x300000, 4));
        aliases.put(new FrameRuns.Run(0x9000, 0x302000, 1));
        assertEquals(0x302000L, aliases.frameAt(0x3000));
        assertEquals(0x302000L, aliases.frameAt(0x9000));
        assertEquals(-1L, aliases.frameAt(0x5000));
        assertEquals(List.of(0x3000L, 0x9000L), aliases.pagesOf(0x302000));
        assertEquals(2, aliases.size(), "one emulator mapping per run");
    }

    @Test
    void aRunGoesWhole() {
        FrameRuns.Run run = new FrameRuns.Run(0x1000, 0x300000, 4);
        aliases.put(run);
        assertSame(run, aliases.runAt(0x4000));
        aliases.remove(aliases.runAt(0x2000));
        assertFalse(aliases.contains(0x1000));
        assertFalse(aliases.contains(0x4000));
        assertEquals(List.of(), aliases.pagesOf(0x300000));
        assertEquals(0, aliases.size());
    }
}
