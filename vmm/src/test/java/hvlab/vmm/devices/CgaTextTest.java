package hvlab.vmm.devices;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.unicorn.UnicornBackend;
import hvlab.vmm.memory.GuestRam;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The 6845's cursor registers as xv6's cgaputc uses them, and the screen read from RAM. */
class CgaTextTest {
    final CgaText cga = new CgaText();

    @Test
    void cursorRegistersReadBackAsCgaputcUsesThem() {
        cga.write(0x3D4, 1, 14);
        cga.write(0x3D5, 1, 0x01);
        cga.write(0x3D4, 1, 15);
        cga.write(0x3D5, 1, 0x90);
        assertEquals(400, cga.cursor(), "row 5, column 0");
        cga.write(0x3D4, 1, 14);
        assertEquals(0x01, cga.read(0x3D5, 1));
        cga.write(0x3D4, 2, 0x2A0F);    // out dx, ax: index 15, data 0x2A
        assertEquals(0x12A, cga.cursor());
        cga.write(0x3D4, 1, 0xFF);      // index 31: no register
        cga.write(0x3D5, 1, 0x55);
        assertEquals(0xFF, cga.read(0x3D5, 1));
        assertEquals(0x1F, cga.read(0x3D4, 1));
    }

    @Test
    void theScreenIsTwentyFiveLinesOfEightyCharactersFromRam() {
        try (GuestMemory memory = new GuestMemory(1 << 20); UnicornBackend cpu = new UnicornBackend()) {
            GuestRam ram = new GuestRam(memory, cpu);
            byte[] cells = new byte[2 * 84];
            byte[] text = ("xv6..." + " ".repeat(74) + "cpu\u0001").getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < text.length; i++) {
                cells[2 * i] = text[i];
                cells[2 * i + 1] = 0x07;
            }
            ram.writeBytes(CgaText.BUFFER, cells);
            List<String> screen = cga.screen(ram);
            assertEquals(25, screen.size());
            assertTrue(screen.stream().allMatch(line -> line.length() == 80));
            assertEquals("xv6...", screen.get(0).strip());
            assertEquals("cpu.", screen.get(1).strip(), "a control character shows as '.'");
            assertEquals("", screen.get(24).strip());
        }
        try (GuestMemory small = new GuestMemory(64 << 10); UnicornBackend cpu = new UnicornBackend()) {
            assertEquals(" ".repeat(80), cga.screen(new GuestRam(small, cpu)).get(0), "no RAM there: a blank screen");
        }
    }

    @Test
    void savesAndRestoresItsRegisters() {
        cga.write(0x3D4, 1, 15);
        cga.write(0x3D5, 1, 42);
        CgaText copy = new CgaText();
        copy.restore(cga.save());
        assertEquals(42, copy.cursor());
        assertThrows(IllegalArgumentException.class, () -> copy.restore(new CgaText.State(0, new int[3])));
    }
}
