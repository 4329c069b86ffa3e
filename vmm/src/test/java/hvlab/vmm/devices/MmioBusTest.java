package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The bus's containment: a device sees only accesses of 1, 2 or 4 bytes wholly inside it. */
class MmioBusTest {
    /** A page of device registers that records every access it is given. */
    static final class Recorder implements MmioDevice {
        final long base;
        final List<String> seen = new ArrayList<>();

        Recorder(long base) {
            this.base = base;
        }

        @Override public String name() { return "recorder"; }
        @Override public String id() { return "recorder"; }
        @Override public long base() { return base; }
        @Override public long size() { return MmioBus.PAGE; }
        @Override public DeviceState save() { throw new UnsupportedOperationException(); }
        @Override public void restore(DeviceState state) { throw new UnsupportedOperationException(); }

        @Override
        public int read(long offset, int size) {
            seen.add("read " + offset + "/" + size);
            return 0xA1B2C3D4;
        }

        @Override
        public void write(long offset, int size, int value) {
            seen.add(String.format("write %d/%d=%x", offset, size, value));
        }
    }

    final MmioBus bus = new MmioBus();
    final Recorder device = new Recorder(0xFEE00000L);

    MmioBusTest() {
        bus.attach(device);
    }

    @Test
    void routesAccessesWithTheOffsetAndMasksToTheSize() {
        assertEquals(0xA1B2C3D4, bus.read(0xFEE00020L, 4));
        assertEquals(0xC3D4, bus.read(0xFEE00030L, 2));
        assertEquals(0xD4, bus.read(0xFEE00FFFL, 1));
        bus.write(0xFEE000B0L, 1, 0x1FF);
        assertEquals(List.of("read 32/4", "read 48/2", "read 4095/1", "write 176/1=ff"), device.seen);
        assertTrue(bus.claims(0xFEE00FFFL));
        assertFalse(bus.claims(0xFEE01000L));
        assertFalse(bus.claims(0xFEDFFFFFL));
    }

    @Test
    void wrongSizesNeverReachTheDevice() {
        for (int size : new int[] {0, 3, 5, 8, 16, -4}) {
            assertEquals(size > 0 && size < 4 ? (1 << size * 8) - 1 : 0xFFFFFFFF, bus.read(0xFEE00020L, size), "size " + size);
            bus.write(0xFEE00020L, size, 0x12345678);
        }
        assertEquals(List.of(), device.seen);
        assertEquals(6, bus.refusedReads());
        assertEquals(6, bus.refusedWrites());
    }

    @Test
    void anAccessRunningPastTheDeviceEndIsRefusedWhole() {
        assertEquals(0xFFFFFFFF, bus.read(0xFEE00FFEL, 4));
        bus.write(0xFEE00FFDL, 4, 1);
        assertEquals(0xFFFF, bus.read(0xFEE00FFFL, 2));
        assertEquals(List.of(), device.seen);
    }

    @Test
    void unclaimedAddressesReadAllOnes() {
        assertEquals(0xFFFFFFFF, bus.read(0xFEC00000L, 4));
        assertEquals(0xFF, bus.read(0, 1));
        bus.write(0xFFFFFFFFL, 1, 0);
        assertEquals(2, bus.refusedReads());
        assertEquals(1, bus.refusedWrites());
    }

    @Test
    void devicesMustBeWholePagesThatDoNotOverlap() {
        assertThrows(IllegalArgumentException.class, () -> bus.attach(new Recorder(0xFEE00000L)));
        assertThrows(IllegalArgumentException.class, () -> bus.attach(new Recorder(0xFEC00010L)));
        assertThrows(IllegalArgumentException.class, () -> bus.attach(new Recorder(0xFFFFFFFFL + 1)));
        bus.attach(new Recorder(0xFEC00000L));
        assertEquals(2, bus.devices().size());
    }
}
