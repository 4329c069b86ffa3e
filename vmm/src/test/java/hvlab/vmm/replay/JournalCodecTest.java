package hvlab.vmm.replay;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The journal's file format, written and read back, and every way a damaged file is refused or reported. */
class JournalCodecTest {
    private static final RecordingHeader HEADER = new RecordingHeader("hvos", "ab".repeat(32), "trap", 16 << 20, "",
            true, 1_767_225_600L, "gen-1", 1_800_000_000_000L);
    private static final MachineFingerprint PRINT = new MachineFingerprint(42, "cd".repeat(32), "ef".repeat(32));

    private static final List<JournalEvent> EVENTS = List.of(
            new JournalEvent.ClockAdvanced(new ReplayPoint(0, 0xFFF00000L), 1_000_000),
            new JournalEvent.InterruptDelivered(new ReplayPoint(1_234, 0x100010), 0x20, -7),
            new JournalEvent.SerialInput(new ReplayPoint(1_234, 0x100010), "ls\n".getBytes()),
            new JournalEvent.PowerButton(new ReplayPoint(5_000_000_000L, 0xC0001000L)),
            new JournalEvent.Ended(new ReplayPoint(5_000_000_001L, 0x40000000), PRINT, "stopped by test"));

    private static byte[] write(List<JournalEvent> events) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JournalWriter w = new JournalWriter(out, HEADER)) {
            events.forEach(w::record);
            assertNull(w.failure());
        }
        return out.toByteArray();
    }

    private static Recording read(byte[] bytes) throws Exception {
        return JournalReader.read(new ByteArrayInputStream(bytes));
    }

    @Test
    void everyKindOfEventComesBackAsItWasWritten() throws Exception {
        Recording r = read(write(EVENTS));
        assertEquals(HEADER, r.header());
        assertEquals(EVENTS, r.events());
        assertTrue(r.complete());
        assertEquals(PRINT, r.end().fingerprint());
    }

    @Test
    void aFileCutAnywhereInsideTheEventsReadsAsIncompleteWithTheWholeEventsBeforeTheCut() throws Exception {
        byte[] whole = write(EVENTS);
        int headerLength = write(List.of()).length;
        for (int cut = headerLength; cut < whole.length; cut++) {
            Recording r = read(Arrays.copyOf(whole, cut));
            assertFalse(r.complete(), "cut at " + cut);
            assertNotNull(r.problem());
            assertEquals(EVENTS.subList(0, r.events().size()), r.events(), "cut at " + cut);
        }
    }

    @Test
    void aCutHeaderOrAnotherFileIsRefusedWithAReason() throws Exception {
        byte[] whole = write(EVENTS);
        JournalFormatException e = assertThrows(JournalFormatException.class, () -> read(Arrays.copyOf(whole, 20)));
        assertTrue(e.getMessage().contains("header"), e.getMessage());
        e = assertThrows(JournalFormatException.class, () -> read("GIF89a and more bytes".getBytes()));
        assertTrue(e.getMessage().contains("not an hvlab recording"), e.getMessage());
        byte[] future = whole.clone();
        future[4] = 9;
        e = assertThrows(JournalFormatException.class, () -> read(future));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test
    void hostileEventsAreRefusedNamingTheEvent() throws Exception {
        int headerLength = write(List.of()).length;
        byte[] header = Arrays.copyOf(write(List.of()), headerLength);
        // An unknown kind of event.
        JournalFormatException e = assertThrows(JournalFormatException.class, () -> read(concat(header, new byte[] {77, 0, 0, 0, 0, 0})));
        assertTrue(e.getMessage().contains("event 1: unknown kind 77"), e.getMessage());
        // Serial input that claims a gigabyte.
        byte[] huge = {3, 0, 0, 0, 0, 0, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04};
        e = assertThrows(JournalFormatException.class, () -> read(concat(header, huge)));
        assertTrue(e.getMessage().contains("event 1: serial input of"), e.getMessage());
        // A block count that does not fit 63 bits.
        byte[] endless = new byte[14];
        endless[0] = 1;
        Arrays.fill(endless, 1, 11, (byte) 0xFF);
        e = assertThrows(JournalFormatException.class, () -> read(concat(header, endless)));
        assertTrue(e.getMessage().contains("event 1: a number longer than 63 bits"), e.getMessage());
        // A clock that stands still.
        e = assertThrows(JournalFormatException.class, () -> read(concat(header, new byte[] {1, 0, 0, 0, 0, 0, 0})));
        assertTrue(e.getMessage().contains("event 1: the clock does not move"), e.getMessage());
        // Bytes after the end.
        e = assertThrows(JournalFormatException.class, () -> read(concat(write(EVENTS), new byte[] {1})));
        assertTrue(e.getMessage().contains("follow the recording's end"), e.getMessage());
    }

    @Test
    void aTruncatedRecordingSaysWhyAndIsNotComplete() throws Exception {
        Recording r = read(write(List.of(EVENTS.get(0), new JournalEvent.Truncated(new ReplayPoint(9, 9), "a frame arrived"))));
        assertFalse(r.complete());
        assertTrue(r.problem().contains("a frame arrived"), r.problem());
    }

    @Test
    void headersThatDifferAreNamed() {
        assertNull(HEADER.mismatch(HEADER));
        RecordingHeader other = new RecordingHeader("hvos", "00".repeat(32), "trap", 16 << 20, "", true, 1_767_225_600L, "gen-1", 0);
        assertTrue(HEADER.mismatch(other).contains("guest image"));
        other = new RecordingHeader("hvos", "ab".repeat(32), "bt", 16 << 20, "", true, 1_767_225_600L, "gen-1", 0);
        assertTrue(HEADER.mismatch(other).contains("trap mode, not bt"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
