package hvlab.vmm.trap;

import hvlab.cpu.Instruction;
import hvlab.cpu.Trap;
import hvlab.cpu.TrapOutcome;
import hvlab.vmm.TrapLog;
import hvlab.vmm.TrapRecord;
import hvlab.vmm.VmExit;
import hvlab.vmm.interrupts.GuestEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The trap log's words and its sampling, with made-up traps and a made-up clock. */
class TrapWordsTest {
    static Instruction insn(String mnemonic, String operands) {
        return new Instruction(0x100010, 1, new byte[] {(byte) 0xFA}, mnemonic, operands, List.of());
    }

    @Test
    void theGuestsSideIsItsInstructionOrWhatArrived() {
        assertEquals("cli  [#GP]", TrapWords.guestSide(new Trap.Fault(13, 0x100010), insn("cli", "")));
        assertEquals("lgdt [0x2000]  [#GP(0x18)]", TrapWords.guestSide(new Trap.Fault(13, 0x18, 0x100010), insn("lgdt", "[0x2000]")));
        assertEquals("out 0x41 to port 0x3f8", TrapWords.guestSide(new Trap.PortOut(0x3F8, 1, 0x1241), null));
        assertEquals("in byte port 0x71", TrapWords.guestSide(new Trap.PortIn(0x71, 1), null));
        assertEquals("int 0x82", TrapWords.guestSide(new Trap.SoftwareInterrupt(0x82, 0x100012), null));
        assertEquals("#GP", TrapWords.guestSide(new Trap.Fault(13, 0xFFFFFFF0L), null), "no code there to decode");
    }

    @Test
    void theVmmsSideSaysWhatItDid() {
        assertEquals("emulated", TrapWords.vmmSide(new Trap.Fault(13, 0x1000), TrapOutcome.CONTINUE));
        assertEquals("to the device", TrapWords.vmmSide(new Trap.PortOut(0x3F8, 1, 0x41), TrapOutcome.CONTINUE));
        assertEquals("guest reads 0xff", TrapWords.vmmSide(new Trap.PortIn(0x60, 1), new TrapOutcome.ContinueWith(0xFF, null)));
        assertEquals("vCPU sleeps until an interrupt", TrapWords.vmmSide(new Trap.Fault(13, 0x1000), TrapOutcome.stop(VmStop.WAIT_FOR_INTERRUPT)));
        assertEquals("delivered #GP to the guest's handler", TrapWords.vmmSide(new Trap.Fault(13, 0x1000),
                TrapOutcome.stop(new VmStop.Deliver(GuestEvent.exception(13, 0, 0x1000)))));
        assertTrue(TrapWords.vmmSide(new Trap.PortOut(0xF4, 1, 0), TrapOutcome.stop(new VmStop.End(new VmExit.DebugExit(0))))
                .startsWith("the VM ends: guest wrote 0"));
    }

    @Test
    void theLogSamplesAtMostPerSecondAndKeepsTheNewest() {
        TrapLog log = new TrapLog(4, 10, 3); // a burst of 3, then a record every 100 ms at most
        long now = 1_000_000_000L;
        int kept = 0;
        for (int i = 0; i < 3; i++) {
            assertTrue(log.wantsNext(now), "the burst: the first traps of a quiet spell are all kept");
        }
        assertFalse(log.wantsNext(now));
        for (int i = 0; i < 1000; i++) { // 1000 traps over the next second
            now += 1_000_000;
            if (log.wantsNext(now)) {
                log.keep(new TrapRecord(log.lastSeq(), now, 0, "io", "out", "written"));
                kept++;
            }
        }
        assertTrue(kept >= 8 && kept <= 11, "about ten a second, however fast the guest traps: " + kept);
        assertEquals(1004, log.seen());
        List<TrapRecord> newest = log.after(0);
        assertEquals(4, newest.size(), "the ring keeps its capacity");
        assertTrue(newest.stream().map(TrapRecord::seq).distinct().count() == 4);
        assertTrue(newest.get(0).seq() < newest.get(3).seq());
        assertEquals(List.of(), log.after(newest.get(3).seq()), "nothing after the newest");
        assertEquals(1, log.after(newest.get(2).seq()).size());
    }

    @Test
    void theFirstRecordsStayAfterTheRingHasMovedOn() {
        TrapLog log = new TrapLog(4, 10, 3);
        for (int i = 1; i <= 10; i++) {
            log.keep(new TrapRecord(i, i, 0x100000 + i, "privileged", "mov cr" + i + ", eax", "emulated"));
        }
        assertEquals(List.of(7L, 8L, 9L, 10L), log.after(0).stream().map(TrapRecord::seq).toList(), "the ring: the newest");
        assertEquals(List.of(1L, 2L, 3L, 4L), log.first().stream().map(TrapRecord::seq).toList(), "the boot: the oldest, kept");
    }

    @Test
    void aGuestsRhythmDoesNotAliasWithTheSampling() {
        // A timer guest: every 50 ms a burst of five traps (interrupt, EOI, IRET, output, HLT),
        // then quiet. Sampling at 20 a second must not keep only the first of each burst.
        TrapLog log = new TrapLog(256, 20, 1);
        long now = 0;
        int[] keptByPhase = new int[5];
        for (int tick = 0; tick < 2000; tick++) {
            now += 50_000_000;
            for (int phase = 0; phase < 5; phase++) {
                if (log.wantsNext(now + phase * 1000)) {
                    keptByPhase[phase]++;
                }
            }
        }
        for (int phase = 0; phase < 5; phase++) {
            assertTrue(keptByPhase[phase] > 100, "phase " + phase + " kept " + java.util.Arrays.toString(keptByPhase));
        }
    }

    @Test
    void onTheTrapPathTheClockIsLeftAloneWhileNothingIsDueButEveryTrapIsCounted() {
        TrapLog log = new TrapLog(4, 1, 3); // a burst of 3, then one record a second
        long started = System.nanoTime();
        int kept = 0;
        for (int i = 0; i < 100_000; i++) {
            if (log.wantsNextTrap()) {
                kept++;
            }
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertEquals(100_000, log.seen(), "traps let pass unseen are counted all the same");
        assertTrue(kept >= 3 && kept <= 3 + seconds + 1, "the burst, then at most one a second: " + kept);
    }
}
