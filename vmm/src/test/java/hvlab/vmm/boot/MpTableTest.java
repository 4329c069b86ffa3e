package hvlab.vmm.boot;

import hvlab.cpu.GuestMemory;
import hvlab.cpu.unicorn.UnicornBackend;
import hvlab.vmm.devices.PcPlatform;
import hvlab.vmm.memory.GuestRam;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The MP table written into RAM and read back as xv6's mp.c and the MP spec read it. */
class MpTableTest {

    static int sum(byte[] bytes, int from, int length) {
        int s = 0;
        for (int i = from; i < from + length; i++) s += bytes[i] & 0xFF;
        return s & 0xFF;
    }

    /** The entries of the table at {@code conf}, each as its raw bytes. */
    static List<byte[]> entries(ByteBuffer ram, int conf) {
        List<byte[]> out = new ArrayList<>();
        int count = ram.getShort(conf + 34) & 0xFFFF;
        int p = conf + 44;
        for (int i = 0; i < count; i++) {
            int size = ram.get(p) == 0 ? 20 : 8;
            byte[] entry = new byte[size];
            ram.get(p, entry);
            out.add(entry);
            p += size;
        }
        assertEquals(conf + (ram.getShort(conf + 4) & 0xFFFF), p, "the entries fill the table's length exactly");
        return out;
    }

    @Test
    void mpcSearchFindsItInTheEbdaAndEveryChecksumAndEntryHolds() {
        try (GuestMemory memory = new GuestMemory(2 << 20); UnicornBackend cpu = new UnicornBackend()) {
            GuestRam ram = new GuestRam(memory, cpu);
            MpTable.write(ram, memory.size());
            ByteBuffer m = ByteBuffer.wrap(ram.readBytes(0, 0x100000)).order(ByteOrder.LITTLE_ENDIAN);
            // mpsearch(): the EBDA segment at 0x40E, 1 KiB of it on 16-byte boundaries
            int ebda = (m.getShort(0x40E) & 0xFFFF) << 4;
            assertEquals(0x9FC00, ebda);
            assertEquals(639, m.getShort(0x413), "base memory in KiB, as the Multiboot map says");
            byte[] all = m.array();
            int found = -1;
            for (int p = ebda; p < ebda + 1024; p += 16) {
                if (m.getInt(p) == 0x5F504D5F && sum(all, p, 16) == 0) { found = p; break; } // "_MP_"
            }
            assertEquals(0x9FC00, found);
            assertEquals(1, all[found + 8], "one paragraph");
            assertEquals(4, all[found + 9], "revision 1.4");
            assertEquals(0, all[found + 11], "a configuration table, not a default configuration");
            assertEquals(0, all[found + 12] & 0x80, "no IMCR: virtual wire mode");
            int conf = m.getInt(found + 4);
            // mpconfig(): "PCMP", version 1 or 4, the sum of its length is 0
            assertEquals(0x504D4350, m.getInt(conf));
            assertEquals(4, all[conf + 6]);
            assertEquals(0, sum(all, conf, m.getShort(conf + 4) & 0xFFFF));
            assertEquals(0xFEE00000, m.getInt(conf + 36));
            List<byte[]> entries = entries(m, conf);
            assertEquals(1, entries.stream().filter(e -> e[0] == 0).count());
            byte[] cpu0 = entries.getFirst();
            assertEquals(0, cpu0[1], "APIC id 0");
            assertEquals(0b11, cpu0[3], "enabled, the bootstrap processor");
            byte[] bus = entries.stream().filter(e -> e[0] == 1).findFirst().orElseThrow();
            assertEquals("ISA   ", new String(bus, 2, 6));
            byte[] ioapic = entries.stream().filter(e -> e[0] == 2).findFirst().orElseThrow();
            assertEquals(1, ioapic[1], "I/O APIC id 1");
            assertEquals(1, ioapic[3] & 1, "enabled");
            assertEquals(0xFEC00000, ByteBuffer.wrap(ioapic, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
            for (int irq : new int[] {0, 1, 4, 14}) {
                byte[] route = entries.stream().filter(e -> e[0] == 3 && e[1] == 0 && e[5] == irq).findFirst().orElseThrow();
                assertEquals(PcPlatform.ioApicPin(irq), route[7], "IRQ " + irq);
                assertEquals(1, route[6], "to I/O APIC 1");
            }
            assertEquals(2, PcPlatform.ioApicPin(0), "the PIT on pin 2, as on every PC");
            assertEquals(1, entries.stream().filter(e -> e[0] == 3 && e[1] == 3).count(), "the 8259's ExtINT");
            assertEquals(2, entries.stream().filter(e -> e[0] == 4).count(), "LINT0 and LINT1");
        }
    }

    @Test
    void aMachineTooSmallForTheBiosAreaIsRefused() {
        try (GuestMemory memory = new GuestMemory(512 << 10); UnicornBackend cpu = new UnicornBackend()) {
            assertThrows(IllegalArgumentException.class, () -> MpTable.write(new GuestRam(memory, cpu), memory.size()));
        }
    }
}
