package hvlab.vmm.boot;

import hvlab.vmm.devices.IoApic;
import hvlab.vmm.devices.LocalApic;
import hvlab.vmm.devices.PcPlatform;
import hvlab.vmm.memory.GuestRam;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The MP configuration table (Intel MultiProcessor Specification 1.4, chapter 4), which a BIOS
 * leaves in memory to tell an SMP kernel its processors, buses and APICs: xv6's {@code mp.c}
 * panics without one. The VMM writes it at boot for a machine with APICs
 * ({@code PlatformOptions.apic}), as a BIOS would:
 *
 * <ul>
 *   <li>the BIOS data area says where to look: the EBDA segment at 0x40E (0x9FC0) and the base
 *       memory size at 0x413 (639 KiB, where the Multiboot memory map ends conventional RAM);</li>
 *   <li>the floating pointer structure ("_MP_", 16 bytes) opens the EBDA at 0x9FC00, the first
 *       place the spec (4.1) and mp.c search;</li>
 *   <li>the configuration table ("PCMP") follows it: one processor (the boot processor, local
 *       APIC ID 0), one ISA bus, one I/O APIC (ID 1, at 0xFEC00000), an I/O interrupt entry per
 *       ISA IRQ with the wiring {@link PcPlatform#ioApicPin} models (IRQ0 on pin 2, the 8259A's
 *       ExtINT on pin 0), and LINT0 ExtINT, LINT1 NMI; the local APIC at 0xFEE00000.</li>
 * </ul>
 * Feature byte 2's IMCRP bit is clear: virtual wire mode, no IMCR to program.
 */
public final class MpTable {
    public static final long BDA_EBDA_SEGMENT = 0x40E;
    public static final long BDA_BASE_MEMORY_KIB = 0x413;
    public static final long FLOATING_POINTER = 0x9FC00;
    public static final long CONFIGURATION = FLOATING_POINTER + 16;
    static final int HEADER = 44;
    static final int ISA_BUS = 0;
    static final int TYPE_PROCESSOR = 0, TYPE_BUS = 1, TYPE_IO_APIC = 2, TYPE_IO_INTERRUPT = 3, TYPE_LOCAL_INTERRUPT = 4;
    static final int INT = 0, NMI = 1, EXTINT = 3;

    private MpTable() {}

    /** Writes the BDA pointers, the floating pointer and the table through the one door to guest RAM. */
    public static void write(GuestRam ram, long memoryBytes) {
        if (memoryBytes < 0x100000) {
            throw new IllegalArgumentException("an MP table needs the first MiB of RAM");
        }
        ByteBuffer bda = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
        ram.writeBytes(BDA_EBDA_SEGMENT, bda.putShort(0, (short) (FLOATING_POINTER >> 4)).array().clone());
        ram.writeBytes(BDA_BASE_MEMORY_KIB, bda.putShort(0, (short) (FLOATING_POINTER / 1024)).array().clone());
        ram.writeBytes(FLOATING_POINTER, floatingPointer());
        ram.writeBytes(CONFIGURATION, configurationTable());
    }

    /** The 16-byte floating pointer structure (spec 4.1). */
    public static byte[] floatingPointer() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.put("_MP_".getBytes(StandardCharsets.US_ASCII));
        b.putInt((int) CONFIGURATION);
        b.put((byte) 1);      // length in 16-byte paragraphs
        b.put((byte) 4);      // specification revision 1.4
        b.put((byte) 0);      // checksum, below
        b.put((byte) 0);      // feature byte 1: 0, a configuration table is present
        b.put((byte) 0);      // feature byte 2: IMCRP clear, virtual wire mode
        byte[] bytes = b.array();
        bytes[10] = checksum(bytes);
        return bytes;
    }

    /** The configuration table: header and entries (spec 4.2, 4.3). */
    public static byte[] configurationTable() {
        ByteBuffer entries = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        int count = 0;
        // Processor: local APIC ID 0, its version, enabled and the bootstrap processor; family 6 signature.
        entries.put((byte) TYPE_PROCESSOR).put((byte) 0).put((byte) 0x14).put((byte) 0b11)
                .putInt(0x0600).putInt(0x201).putLong(0);  // signature: family 6; features: FPU, APIC
        count++;
        entries.put((byte) TYPE_BUS).put((byte) ISA_BUS).put("ISA   ".getBytes(StandardCharsets.US_ASCII));
        count++;
        entries.put((byte) TYPE_IO_APIC).put((byte) IoApic.APIC_ID).put((byte) 0x11).put((byte) 1).putInt((int) IoApic.BASE);
        count++;
        ioInterrupt(entries, EXTINT, 0, 0); // the 8259A's INT output on pin 0
        count++;
        for (int irq = 0; irq < 16; irq++) {
            int pin = PcPlatform.ioApicPin(irq);
            if (pin >= 0) {
                ioInterrupt(entries, INT, irq, pin);
                count++;
            }
        }
        localInterrupt(entries, EXTINT, 0);
        localInterrupt(entries, NMI, 1);
        count += 2;
        int length = HEADER + entries.position();
        ByteBuffer t = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        t.put("PCMP".getBytes(StandardCharsets.US_ASCII));
        t.putShort((short) length);
        t.put((byte) 4);                                        // spec revision 1.4
        t.put((byte) 0);                                        // checksum, below
        t.put("HVLAB   ".getBytes(StandardCharsets.US_ASCII));  // OEM ID, 8 bytes
        t.put("VIRTUAL PC  ".getBytes(StandardCharsets.US_ASCII)); // product ID, 12 bytes
        t.putInt(0).putShort((short) 0);                        // no OEM table
        t.putShort((short) count);
        t.putInt((int) LocalApic.BASE);
        t.putShort((short) 0).put((byte) 0).put((byte) 0);      // no extended table
        t.put(entries.array(), 0, entries.position());
        byte[] bytes = t.array();
        bytes[7] = checksum(bytes);
        return bytes;
    }

    /** An I/O interrupt entry: ISA IRQ {@code irq} to I/O APIC pin {@code pin}, polarity and trigger as the bus says (edge, high). */
    private static void ioInterrupt(ByteBuffer b, int type, int irq, int pin) {
        b.put((byte) TYPE_IO_INTERRUPT).put((byte) type).putShort((short) 0)
                .put((byte) ISA_BUS).put((byte) irq).put((byte) IoApic.APIC_ID).put((byte) pin);
    }

    /** A local interrupt entry: to LINT{@code lint} of every local APIC (0xFF). */
    private static void localInterrupt(ByteBuffer b, int type, int lint) {
        b.put((byte) TYPE_LOCAL_INTERRUPT).put((byte) type).putShort((short) 0)
                .put((byte) ISA_BUS).put((byte) 0).put((byte) 0xFF).put((byte) lint);
    }

    /** The byte that makes all bytes sum to 0 (mod 256), with the checksum's own byte still 0. */
    static byte checksum(byte[] bytes) {
        int sum = 0;
        for (byte b : bytes) sum += b & 0xFF;
        return (byte) -sum;
    }
}
