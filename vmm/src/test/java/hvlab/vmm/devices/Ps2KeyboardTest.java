package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Scancodes for typed text, and the 8042 as xv6's kbdgetc and a BIOS drive it, hostile writes included. */
class Ps2KeyboardTest {
    final List<Boolean> irq1 = new ArrayList<>();
    final Ps2Keyboard keyboard = new Ps2Keyboard(irq1::add);

    int status() {
        return keyboard.read(0x64, 1);
    }

    int data() {
        return keyboard.read(0x60, 1);
    }

    static List<Integer> codes(String text) {
        List<Integer> out = new ArrayList<>();
        for (char c : text.toCharArray()) for (byte b : Scancodes.of(c)) out.add(b & 0xFF);
        return out;
    }

    @Test
    void textBecomesSetOneMakeAndBreakCodes() {
        assertEquals(List.of(0x1E, 0x9E), codes("a"));
        assertEquals(List.of(0x2A, 0x23, 0xA3, 0xAA), codes("H"), "Shift around an upper-case letter");
        assertEquals(List.of(0x2A, 0x02, 0x82, 0xAA), codes("!"));
        assertEquals(List.of(0x1C, 0x9C), codes("\n"));
        assertEquals(List.of(0x0E, 0x8E), codes("\b"));
        assertEquals(List.of(0x39, 0xB9), codes(" "));
        assertEquals(List.of(0x2B, 0xAB), codes("\\"));
        assertEquals(List.of(0x1D, 0x19, 0x99, 0x9D), codes("\u0010"), "Ctrl-P, xv6's process listing");
        assertEquals(List.of(), codes("é"));
        assertEquals(List.of(), codes("\u0000"));
    }

    @Test
    void eachByteRaisesIrqOneAndReadingItLetsTheNextCome() {
        assertEquals(0x14, status() & 0x15, "empty, system flag, unlocked");
        keyboard.type("ab".getBytes());
        assertEquals(List.of(true), irq1);
        assertEquals(1, status() & 1);
        List<Integer> got = new ArrayList<>();
        while ((status() & 1) != 0) got.add(data());
        assertEquals(codes("ab"), got);
        assertEquals(List.of(true, false, true, false, true, false, true, false), irq1, "a new edge per byte");
    }

    @Test
    void theControllerAndKeyboardAnswerTheirCommands() {
        keyboard.write(0x64, 1, 0xAA);
        assertEquals(0x55, data());
        keyboard.write(0x64, 1, 0x20);
        assertEquals(0x45, data());
        keyboard.write(0x64, 1, 0x60);
        keyboard.write(0x60, 1, 0x44);  // IRQ 1 off
        irq1.clear();
        keyboard.write(0x60, 1, 0xF2);
        assertEquals(List.of(0xFA, 0xAB, 0x83), List.of(data(), data(), data()));
        assertTrue(irq1.isEmpty(), "no interrupt with the command byte's bit 0 clear");
        keyboard.write(0x60, 1, 0xED);
        keyboard.write(0x60, 1, 0x07);  // LEDs: a parameter, not a command
        assertEquals(List.of(0xFA, 0xFA), List.of(data(), data()));
        keyboard.write(0x64, 1, 0xAD);  // keyboard disabled: typed keys wait
        keyboard.type("x".getBytes());
        assertEquals(0, status() & 1);
        keyboard.write(0x64, 1, 0xAE);
        assertEquals(0x2D, data());
    }

    @Test
    void hostileGuestsCannotGrowItsBuffers() {
        for (int i = 0; i < 10_000; i++) keyboard.write(0x60, 1, 0xF2);      // three replies each, never read
        for (int i = 0; i < 1_000; i++) keyboard.type("long text, nobody reads it".getBytes());
        Ps2Keyboard.State s = (Ps2Keyboard.State) keyboard.save();
        assertTrue(s.replies().length <= Ps2Keyboard.REPLY_LIMIT && s.typed().length <= Ps2Keyboard.BUFFER_LIMIT);
        assertTrue(keyboard.lost() > 0);
        keyboard.write(0x64, 1, 0xFE);  // pulse reset: ignored
        keyboard.write(0x64, 1, 0x00);  // nothing
        assertEquals(2, keyboard.ignored());
    }

    @Test
    void savesAndRestoresWaitingKeys() {
        keyboard.type("hi".getBytes());
        data();
        Ps2Keyboard copy = new Ps2Keyboard(high -> { });
        copy.restore(keyboard.save());
        List<Integer> got = new ArrayList<>();
        while ((copy.read(0x64, 1) & 1) != 0) got.add(copy.read(0x60, 1));
        assertEquals(codes("hi").subList(1, 4), got);
        assertThrows(IllegalArgumentException.class,
                () -> copy.restore(new Ps2Keyboard.State(-1, new int[100], new int[0], 0, 0, false, true, 0, 0)));
    }
}
