package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class IoBusTest {
    final IoBus bus = new IoBus();

    @Test
    void unclaimedPortsReadAllOnesOfTheAccessSizeAndDropWrites() {
        assertEquals(0xFF, bus.read(0x80, 1));
        assertEquals(0xFFFF, bus.read(0x80, 2));
        assertEquals(0xFFFFFFFF, bus.read(0x80, 4));
        bus.write(0x80, 1, 7);
        assertEquals(3, bus.unclaimedReads());
        assertEquals(1, bus.unclaimedWrites());
    }

    @Test
    void devicesSeeOnlyTheirPortsAndOverlapsAreRefused() {
        List<Integer> written = new ArrayList<>();
        SerialPort serial = new SerialPort(written::add);
        bus.attach(serial);
        bus.write(0x3F8, 1, 'A');
        assertEquals(List.of((int) 'A'), written);
        assertSame(serial, bus.deviceAt(0x3FF));
        assertNull(bus.deviceAt(0x400));
        var clash = assertThrows(IllegalArgumentException.class, () -> bus.attach(new SerialPort(b -> { })));
        assertTrue(clash.getMessage().contains("0x3f8"), clash.getMessage());
    }
}
