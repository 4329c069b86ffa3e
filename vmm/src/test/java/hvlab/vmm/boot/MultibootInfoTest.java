package hvlab.vmm.boot;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

/** The information structure as a kernel reads it, field by field (Multiboot 0.6.96, 3.3). */
class MultibootInfoTest {
    @Test
    void memoryMapCommandLineAndLoaderNameAreWhereTheFlagsSay() {
        long ram = 32L << 20;
        ByteBuffer info = ByteBuffer.wrap(MultibootInfo.build(ram, "hvos ip=10.0.0.2")).order(ByteOrder.LITTLE_ENDIAN);
        int flags = info.getInt(0);
        assertEquals(0x245, flags, "memory (bit 0), command line (2), memory map (6), loader name (9)");
        assertEquals(639, info.getInt(4));
        assertEquals(31 * 1024, info.getInt(8));
        assertEquals("hvos ip=10.0.0.2", string(info, info.getInt(16)));
        assertEquals("hvlab", string(info, info.getInt(64)));

        int length = info.getInt(44);
        int at = (int) (info.getInt(48) - MultibootInfo.ADDRESS);
        assertEquals(4 * 24, length);
        long[][] expected = {{0, 0x9FC00, 1}, {0x9FC00, 0x100000 - 0x9FC00, 2}, {0x100000, ram - 0x100000, 1},
                {BootLayout.VMM_REGION, (1L << 32) - BootLayout.VMM_REGION, 2}};
        for (long[] entry : expected) {
            assertEquals(20, info.getInt(at));
            assertEquals(entry[0], info.getLong(at + 4));
            assertEquals(entry[1], info.getLong(at + 12));
            assertEquals(entry[2], info.getInt(at + 20));
            at += info.getInt(at) + 4;
        }
    }

    @Test
    void aLongCommandLineIsCutAndStillEnds() {
        ByteBuffer info = ByteBuffer.wrap(MultibootInfo.build(16L << 20, "x".repeat(1000))).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(MultibootInfo.MAX_COMMAND_LINE, string(info, info.getInt(16)).length());
    }

    private static String string(ByteBuffer info, int address) {
        StringBuilder text = new StringBuilder();
        for (int at = (int) (address - MultibootInfo.ADDRESS); info.get(at) != 0; at++) {
            text.append((char) info.get(at));
        }
        return text.toString();
    }
}
