package hvlab.vmm.replay;

import hvlab.vmm.ExecutionMode;
import hvlab.vmm.SliceResult;
import hvlab.vmm.Vm;
import hvlab.vmm.VmConfig;
import hvlab.vmm.devices.PlatformOptions;
import hvlab.vmm.image.GuestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Deterministic replay with real guests: a run whose timing came from the host (slices cut by
 * the real clock, the virtual clock advanced by measured CPU time, input typed in between) is
 * recorded, and a fresh VM replays it to the same registers, memory and serial output.
 */
class ReplayTest {
    @TempDir
    Path dir;

    private VmConfig hvos(ExecutionMode mode) throws Exception {
        Path disk = Files.write(dir.resolve("hvos.img"), GuestImages.builtInDisk("hvos"));
        return VmConfig.of(GuestImages.resolve("hvos")).withMode(mode).withPlatform(PlatformOptions.DEFAULT.withDisk(disk));
    }

    /** Runs slices of real time until the console satisfies {@code done}; a halted guest's clock skips ahead, as the host's would pass. */
    private static void runUntil(Vm vm, Predicate<String> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.test(vm.console().text())) {
            assertTrue(System.nanoTime() < deadline, "timed out; console: " + vm.console().text());
            switch (vm.runSlice(Duration.ofMillis(2))) {
                case SliceResult.Ended ended -> fail("the guest ended: " + ended.exit().describe());
                case SliceResult.Halted halted -> vm.advanceClock(Math.min(halted.nanosUntilEvent(), 3_000_000));
                default -> { }
            }
        }
    }

    private static void type(Vm vm, String line) {
        int prompts = vm.console().text().split("\\$ ", -1).length;
        vm.sendInput((line + "\n").getBytes(StandardCharsets.US_ASCII));
        runUntil(vm, text -> text.split("\\$ ", -1).length > prompts && text.endsWith("$ "));
    }

    private record Recorded(byte[] journal, String console, MachineFingerprint end) { }

    private Recorded recordHvosSession(VmConfig config) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JournalWriter journal = new JournalWriter(bytes, RecordingHeader.of(config, false));
             Vm vm = new Vm(config, b -> { })) {
            vm.record(journal);
            vm.boot();
            runUntil(vm, text -> text.endsWith("$ "));
            type(vm, "echo replay me");
            type(vm, "loop &");
            type(vm, "ps");
            MachineFingerprint end = vm.fingerprint();
            vm.stopRecording("the test stopped it");
            assertNull(journal.failure());
            assertTrue(journal.ended());
            journal.close();
            return new Recorded(bytes.toByteArray(), vm.console().text(), end);
        }
    }

    private static ReplayOutcome replay(VmConfig config, byte[] journal) throws Exception {
        Recording recording = JournalReader.read(new ByteArrayInputStream(journal));
        assertNull(recording.header().mismatch(RecordingHeader.of(config, false)));
        try (Vm vm = new Vm(recording.header().applyTo(config), b -> { })) {
            vm.boot();
            return Replayer.replay(vm, recording, Replayer.TO_THE_END, n -> { });
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionMode.class, names = {"TRAP", "BT"})
    void aRecordedHvosSessionWithTypingAndTimerInterruptsReplaysToTheSameMachine(ExecutionMode mode) throws Exception {
        VmConfig config = hvos(mode);
        Recorded recorded = recordHvosSession(config);
        assertTrue(recorded.console().contains("replay me\n"), recorded.console());
        Recording recording = JournalReader.read(new ByteArrayInputStream(recorded.journal()));
        assertTrue(recording.complete());
        long interrupts = recording.events().stream().filter(e -> e instanceof JournalEvent.InterruptDelivered).count();
        long typed = recording.events().stream().filter(e -> e instanceof JournalEvent.SerialInput).count();
        assertTrue(interrupts > 10, "timer and serial interrupts were recorded: " + interrupts);
        assertEquals(3, typed, "three lines typed");

        ReplayOutcome outcome = replay(config, recorded.journal());
        ReplayOutcome.Same same = assertInstanceOf(ReplayOutcome.Same.class, outcome, outcome.toString());
        assertEquals(recorded.end(), same.fingerprint());
    }

    @Test
    void inputChangedInTheJournalMakesTheReplayDivergeAndSaysWhere() throws Exception {
        VmConfig config = hvos(ExecutionMode.TRAP);
        Recorded recorded = recordHvosSession(config);
        byte[] tampered = recorded.journal().clone();
        byte[] needle = "echo replay me".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(tampered, needle);
        assertTrue(at > 0);
        tampered[at + 5] = 'R'; // "echo Replay me": the same length, another output
        ReplayOutcome outcome = replay(config, tampered);
        ReplayOutcome.Diverged diverged = assertInstanceOf(ReplayOutcome.Diverged.class, outcome, outcome.toString());
        assertTrue(diverged.event() > 1);
    }

    @Test
    void aReplayStopsAtTheTimeAskedForWithTheGuestBeforeWhatCameLater() throws Exception {
        VmConfig config = hvos(ExecutionMode.TRAP);
        Recorded recorded = recordHvosSession(config);
        Recording recording = JournalReader.read(new ByteArrayInputStream(recorded.journal()));
        // Virtual time when the second line was typed: replay to just before it.
        long time = 0;
        int typed = 0;
        for (JournalEvent e : recording.events()) {
            if (e instanceof JournalEvent.ClockAdvanced c) time += c.nanos();
            if (e instanceof JournalEvent.SerialInput && ++typed == 2) break;
        }
        try (Vm vm = new Vm(recording.header().applyTo(config), b -> { })) {
            vm.boot();
            ReplayOutcome outcome = Replayer.replay(vm, recording, time - 1, n -> { });
            assertInstanceOf(ReplayOutcome.Stopped.class, outcome, outcome.toString());
            String console = vm.console().text();
            assertTrue(console.contains("replay me\n"), console);
            assertFalse(console.contains("loop &"), console);
        }
    }

    @Test
    void aRecordingThatAsksForMoreThanTheLimitAllowsStopsAtTheLimit() throws Exception {
        VmConfig config = VmConfig.of(GuestImages.resolve("spinner")); // computes for ever, never halts
        // A hostile recording: its one event lies a billion billion blocks away.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JournalWriter w = new JournalWriter(bytes, RecordingHeader.of(config, false))) {
            w.record(new JournalEvent.ClockAdvanced(new ReplayPoint(1L << 60, 0x100000), 1));
        }
        Recording recording = JournalReader.read(new ByteArrayInputStream(bytes.toByteArray()));
        try (Vm vm = new Vm(recording.header().applyTo(config), b -> { })) {
            vm.boot();
            ReplayOutcome outcome = Replayer.replay(vm, recording, Replayer.TO_THE_END, Duration.ofMillis(500), n -> { });
            ReplayOutcome.Stopped stopped = assertInstanceOf(ReplayOutcome.Stopped.class, outcome, outcome.toString());
            assertTrue(stopped.why().contains("longer than its limit"), stopped.why());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
