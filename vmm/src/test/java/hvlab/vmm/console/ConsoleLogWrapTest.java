package hvlab.vmm.console;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Reading a bounded console across the end of its ring, from every position, gives what was written. */
class ConsoleLogWrapTest {
    @Test
    void everyPositionReadsBackWhatWasWrittenAcrossTheRingsEnd() {
        ConsoleLog log = new ConsoleLog(7);
        byte[] written = new byte[23];
        for (int i = 0; i < written.length; i++) {
            written[i] = (byte) ('a' + i);
            log.append(written[i]);
            for (long from = 0; from <= log.total() + 1; from++) {
                long kept = Math.max(from, log.dropped());
                byte[] expected = kept >= log.total() ? new byte[0] : Arrays.copyOfRange(written, (int) kept, (int) log.total());
                assertArrayEquals(expected, log.since(from), "after " + (i + 1) + " bytes, since " + from);
            }
        }
        ConsoleLog copy = new ConsoleLog(7);
        copy.restore(log.contents());
        assertArrayEquals(log.bytes(), copy.bytes());
        assertEquals(log.total(), copy.total());
    }
}
