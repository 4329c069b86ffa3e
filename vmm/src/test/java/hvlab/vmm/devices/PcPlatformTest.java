package hvlab.vmm.devices;

import hvlab.vmm.VmExit;
import hvlab.vmm.console.ConsoleLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The whole board: which device answers where, what reaches the exit consumer, time, save and restore. */
class PcPlatformTest {
    @TempDir
    Path dir;
    final List<VmExit> exits = new ArrayList<>();

    PcPlatform platform(PlatformOptions options) {
        return new PcPlatform(b -> { }, new ConsoleLog(), exits::add, options);
    }

    @Test
    void withoutADiskTheAtaChannelFloats() {
        PcPlatform pc = platform(PlatformOptions.DEFAULT);
        assertNull(pc.disk());
        assertEquals(0xFF, pc.bus().read(0x1F7, 1), "status of an empty channel: all ones, as Linux expects");
        assertEquals(0xFF, pc.bus().read(0x3F6, 1));
        assertEquals(0xFFFF, pc.bus().read(0x1F0, 2));
    }

    @Test
    void aMissingOrTooSmallDiskIsAClearErrorNamingTheFile() throws IOException {
        Path missing = dir.resolve("missing.img");
        var e = assertThrows(IllegalArgumentException.class, () -> platform(PlatformOptions.DEFAULT.withDisk(missing)));
        assertEquals("disk image " + missing + ": no such file", e.getMessage());
        Path small = Files.write(dir.resolve("small.img"), new byte[100]);
        e = assertThrows(IllegalArgumentException.class, () -> platform(PlatformOptions.DEFAULT.withDisk(small)));
        assertTrue(e.getMessage().startsWith("disk image " + small + " is too small"), e.getMessage());
    }

    @Test
    void theDiskAnswersOnBothItsPortRanges() throws IOException {
        Path image = Files.write(dir.resolve("disk.img"), new byte[4096]);
        try (PcPlatform pc = platform(PlatformOptions.DEFAULT.withDisk(image))) {
            assertSame(pc.disk(), pc.bus().deviceAt(0x1F0));
            assertSame(pc.disk(), pc.bus().deviceAt(0x3F6));
            assertNull(pc.bus().deviceAt(0x3F7), "0x3F7 belongs to the floppy controller");
            assertEquals(0x50, pc.bus().read(0x1F7, 1));
        }
    }

    @Test
    void advanceMovesTheTimerAndTheClock() {
        PcPlatform pc = platform(PlatformOptions.DEFAULT.withRtcEpochSeconds(1000));
        pc.bus().write(0x43, 1, 0x34);                // PIT counter 0, mode 2, 100 Hz
        pc.bus().write(0x40, 1, 11932 & 0xFF);
        pc.bus().write(0x40, 1, 11932 >> 8);
        pc.advance(2_500_000_000L);
        assertEquals(1002, pc.rtc().epochSeconds());
        assertEquals(249, pc.pit().interruptsRaised(), "divisor 11932 is a shade under 100 Hz");
        assertTrue(pc.nanosUntilNextEvent() <= 10_000_000);
    }

    @Test
    void theButtonAndThePowerOffSwitchReachTheVm() {
        PcPlatform pc = platform(PlatformOptions.DEFAULT);
        pc.bus().write(0x4F1, 1, 0x01);
        pc.bus().write(0xA1, 1, 0xFD);                 // slave: unmask IR1 (IRQ9); the master's IR2 is open
        pc.pressPowerButton();
        assertTrue(pc.pic().hasPendingInterrupt());
        assertEquals(0x71, pc.pic().acknowledge(), "IRQ9: the slave's IR1 at the BIOS's vector base 0x70");
        pc.bus().write(0x4F1, 1, 0x80);
        pc.bus().write(0xF4, 1, 3);
        assertEquals(List.of(new VmExit.PowerOff(), new VmExit.DebugExit(3)), exits);
    }

    @Test
    void typedBytesRaiseIrq4() {
        PcPlatform pc = platform(PlatformOptions.DEFAULT);
        pc.bus().write(0x21, 1, 0xFF & ~(1 << 4));     // master: only IRQ4
        pc.bus().write(0x3F9, 1, 0x01);
        pc.receive("hi".getBytes());
        assertEquals(0x08 + 4, pc.pic().acknowledge());
        assertEquals('h', pc.bus().read(0x3F8, 1));
    }

    @Test
    void aLineLongerThanTheFifoWaitsForRoomInsteadOfOverrunning() {
        PcPlatform pc = platform(PlatformOptions.DEFAULT);
        String line = "rootkit hide loop and more than sixteen characters\n";
        pc.receive(line.getBytes());
        assertTrue(pc.nanosUntilNextEvent() <= 100_000, "bytes still on the line: the next arrives within a character time");
        StringBuilder got = new StringBuilder();
        for (int round = 0; round < 10 && got.length() < line.length(); round++) {
            while ((pc.bus().read(0x3FD, 1) & 1) != 0) {   // LSR.DR: a byte is waiting
                got.append((char) pc.bus().read(0x3F8, 1));
            }
            assertEquals(0, pc.bus().read(0x3FD, 1) & 2, "no overrun (LSR.OE)");
            pc.advance(100_000);
        }
        assertEquals(line, got.toString());
    }

    @Test
    void theWholeBoardSavesAndRestores() throws IOException {
        Path image = Files.write(dir.resolve("disk.img"), new byte[4096]);
        PlatformOptions options = PlatformOptions.DEFAULT.withDisk(image);
        try (PcPlatform pc = platform(options); PcPlatform copy = platform(options)) {
            pc.receive("abc".getBytes());
            pc.bus().write(0x70, 1, 0x40);
            pc.bus().write(0x71, 1, 0x42);
            pc.pressPowerButton();
            pc.advance(1_000_000_000L);
            copy.restore(pc.save());
            assertEquals('a', copy.bus().read(0x3F8, 1));
            copy.bus().write(0x70, 1, 0x40);
            assertEquals(0x42, copy.bus().read(0x71, 1));
            assertEquals(1, copy.bus().read(0x4F0, 1));
            assertEquals(pc.rtc().epochSeconds(), copy.rtc().epochSeconds());
            PcPlatform diskless = platform(PlatformOptions.DEFAULT);
            var e = assertThrows(IllegalArgumentException.class, () -> diskless.restore(pc.save()));
            assertTrue(e.getMessage().contains("devices"), e.getMessage());
        }
    }
}
