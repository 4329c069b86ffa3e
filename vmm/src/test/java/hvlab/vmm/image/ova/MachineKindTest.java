package hvlab.vmm.image.ova;

import hvlab.vmm.host.VmDefinition;
import hvlab.vmm.image.ova.OvaLayout.Payload;
import hvlab.vmm.image.ova.OvfDescriptor.FileRef;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A VM's kind survives its image: a closed box stays closed (else export and import would open
 * it to introspection), an MP machine keeps its APICs, and an image that says nothing of them
 * (written before they existed) is a plain, open-box PC.
 */
class MachineKindTest {
    private static final String UUID = "0b6e8a52-4a3f-4f43-9d2e-6f1d2c3b4a59";

    private static VmDefinition definition(boolean closedBox, boolean apic, boolean keyboard) {
        return new VmDefinition("tenant", UUID, "measured", 4 << 20, "trap", null, 256, 0, Instant.parse("2026-11-30T10:00:00Z"),
                "52:54:00:12:34:56", "00112233445566778899aabbccddeeff", closedBox, null, apic, keyboard);
    }

    private static OvfDescriptor roundTrip(VmDefinition d) {
        FileRef image = new FileRef(Payload.IMAGE, Payload.IMAGE.fileName(d.name()), 4096, false);
        FileRef history = new FileRef(Payload.HISTORY, Payload.HISTORY.fileName(d.name()), 10, false);
        byte[] xml = DescriptorWriter.write(OvfDescriptor.of(d, OvfDescriptor.OFF, 0, List.of(image, history), null));
        return DescriptorReader.read(xml, "tenant.ova", OvaLayout.descriptor(d.name()));
    }

    @Test
    void aClosedBoxMpMachineComesBackAsOne() {
        VmDefinition back = roundTrip(definition(true, true, true)).definition();
        assertTrue(back.closedBox(), "a closed box must not come back open");
        assertTrue(back.apic());
        assertTrue(back.keyboard());
        VmDefinition plain = roundTrip(definition(false, false, false)).definition();
        assertFalse(plain.closedBox() || plain.apic() || plain.keyboard());
    }

    @Test
    void anOlderImageWithoutTheFlagsIsAPlainOpenBoxAndAFlagThatIsNotABooleanIsRefused() {
        FileRef image = new FileRef(Payload.IMAGE, Payload.IMAGE.fileName("tenant"), 4096, false);
        FileRef history = new FileRef(Payload.HISTORY, Payload.HISTORY.fileName("tenant"), 10, false);
        String xml = new String(DescriptorWriter.write(OvfDescriptor.of(definition(true, true, false), OvfDescriptor.OFF, 0,
                List.of(image, history), null)), StandardCharsets.UTF_8);
        String older = xml.replaceAll("<hvlab:(ClosedBox|Apic|Keyboard)>[a-z]+</hvlab:\\1>", "");
        assertFalse(older.contains("ClosedBox"), older);
        VmDefinition back = DescriptorReader.read(older.getBytes(StandardCharsets.UTF_8), "old.ova", "tenant.ovf").definition();
        assertFalse(back.closedBox() || back.apic());

        String lying = xml.replace("<hvlab:ClosedBox>true</hvlab:ClosedBox>", "<hvlab:ClosedBox>maybe</hvlab:ClosedBox>");
        ImageRefused refused = assertThrows(ImageRefused.class,
                () -> DescriptorReader.read(lying.getBytes(StandardCharsets.UTF_8), "t.ova", "tenant.ovf"));
        assertTrue(refused.getMessage().contains("hvlab:ClosedBox 'maybe' is not true or false"), refused.getMessage());

        String twice = xml.replace("<hvlab:Apic>true</hvlab:Apic>", "<hvlab:Apic>true</hvlab:Apic><hvlab:Apic>false</hvlab:Apic>");
        ImageRefused doubled = assertThrows(ImageRefused.class,
                () -> DescriptorReader.read(twice.getBytes(StandardCharsets.UTF_8), "t.ova", "tenant.ovf"));
        assertTrue(doubled.getMessage().contains("more than one Apic"), doubled.getMessage());
        assertEquals("tenant", back.name());
    }
}
