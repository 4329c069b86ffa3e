package hvlab.vmm.vmi;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.TableRegister;
import hvlab.vmm.memory.GuestRam;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The pure parts of introspection: reading IDT gates from guest RAM, and signature files. */
class VmiPiecesTest {
    @Test
    void gatesAreReadAsTheProcessorReadsThemAndAnIdtPastRamStopsAtItsEnd() {
        try (GuestMemory memory = new GuestMemory(2L << 20)) {
            GuestRam ram = new GuestRam(memory, null);
            long idt = 0x1000;
            // Vector 0x80: offset 0x00123456, selector 0x08, present interrupt gate, DPL 3.
            ram.write(idt + 0x80 * 8, 4, (0x08 << 16) | 0x3456);
            ram.write(idt + 0x80 * 8 + 4, 4, 0x0012_0000 | (1 << 15) | (3 << 13) | (0xE << 8));
            List<IdtGate> gates = IdtGate.read(ram, TableRegister.Value.of(idt, 256 * 8 - 1));
            assertEquals(List.of(new IdtGate(0x80, 0x08, 0x123456, 0xE, 3, true)), gates);
            assertEquals("0x80 -> 0008:00123456 interrupt gate, DPL 3", gates.getFirst().describe());
            // A hostile IDTR: base near the end of RAM, limit of 256 gates: read what is RAM, nothing beyond.
            assertEquals(List.of(), IdtGate.read(ram, TableRegister.Value.of((2L << 20) - 16, 0x7FF)));
        }
    }

    @Test
    void signatureFilesTakeTextAndHexAndRefuseNonsenseByLine() {
        List<Signature> parsed = Signature.parse("""
                # comment
                a.text: "evil-tag"
                b.code: hex 81 3e 73 65 63 72
                """);
        assertEquals(2, parsed.size());
        assertArrayEquals("evil-tag".getBytes(StandardCharsets.US_ASCII), parsed.get(0).pattern());
        assertArrayEquals(new byte[] {(byte) 0x81, 0x3e, 0x73, 0x65, 0x63, 0x72}, parsed.get(1).pattern());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Signature.parse("x: hex zz zz zz zz"));
        assertTrue(bad.getMessage().startsWith("signature line 1"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Signature.parse("no colon here"));
        assertThrows(IllegalArgumentException.class, () -> Signature.parse("short: \"ab\""), "too short to mean anything");
        assertFalse(Signature.shipped().isEmpty());
    }
}
