package hvlab.vmm.devices;

import hvlab.cpu.GuestMemory;
import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.network.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The paravirtual NIC against real guest RAM and hostile drivers, with no CPU: ports and memory directly. */
class NetworkCardTest {
    private static final long RAM = 2L << 20;
    private static final int TX_RING = 0x10000, RX_RING = 0x11000, BUFFERS = 0x20000;
    private static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56");

    private final GuestMemory memory = new GuestMemory(RAM);
    private final GuestRam ram = new GuestRam(memory, null);
    private final List<byte[]> sent = new ArrayList<>();
    private final List<Boolean> line = new ArrayList<>();
    private NetworkCard nic = card(NicOptions.Limits.UNLIMITED);

    private NetworkCard card(NicOptions.Limits limits) {
        return new NetworkCard(new NicOptions(MAC, limits, sent::add), ram, line::add);
    }

    @AfterEach
    void close() {
        memory.close();
    }

    private void out32(int offset, long value) {
        nic.write(NetworkCard.FIRST_PORT + offset, 4, (int) value);
    }

    private void rings(long tx, int txSize, long rx, int rxSize) {
        out32(0x10, tx);
        out32(0x14, txSize);
        out32(0x08, rx);
        out32(0x0C, rxSize);
    }

    private void descriptor(long ring, int index, long buffer, int length, int flags) {
        long at = ring + index * 8L;
        ram.write(at, 4, (int) buffer);
        ram.write(at + 4, 2, length);
        ram.write(at + 6, 2, flags);
    }

    private static byte[] frame(int length, MacAddress from) {
        byte[] f = new byte[length];
        for (int i = 0; i < 6; i++) f[i] = (byte) 0xFF;
        for (int i = 0; i < 6; i++) f[6 + i] = (byte) (from.bits() >>> (8 * (5 - i)));
        f[12] = 0x08;
        for (int i = 14; i < length; i++) f[i] = (byte) i;
        return f;
    }

    private void queue(int index, byte[] frame) {
        long buffer = BUFFERS + index * 2048L;
        ram.writeBytes(buffer, frame);
        descriptor(TX_RING, index, buffer, frame.length, NicRing.OWNED);
    }

    private int isr() {
        return nic.read(NetworkCard.FIRST_PORT + 0x19, 1);
    }

    private int errorCode() {
        return nic.read(NetworkCard.FIRST_PORT + 0x07, 1);
    }

    private void ring(int bits) {
        nic.write(NetworkCard.FIRST_PORT + 0x18, 1, bits);
    }

    @Test
    void theMacIsReadOnlyAndInNetworkOrder() {
        for (int i = 0; i < 6; i++) {
            assertEquals(new int[] {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}[i], nic.read(0x500 + i, 1));
        }
        nic.write(0x500, 4, 0);
        assertEquals(0x52, nic.read(0x500, 1));
        assertEquals(1, nic.read(0x506, 1), "link up, no error");
    }

    @Test
    void queuedFramesGoOutAndComeBackDone() {
        rings(TX_RING, 4, RX_RING, 4);
        queue(0, frame(60, MAC));
        queue(1, frame(1514, MAC));
        ring(NetworkCard.DOORBELL_TX);
        assertEquals(2, sent.size());
        assertArrayEquals(frame(1514, MAC), sent.get(1));
        assertEquals(NicRing.DONE, ram.read(TX_RING + 6, 2));
        assertEquals(2, nic.read(0x51E, 2), "the transmit head moved on");
        assertEquals(NetworkCard.ISR_TX, isr());
        assertEquals(0, isr(), "reading ISR acknowledged it");
        assertTrue(line.getFirst(), "IRQ 11 rose");
        assertFalse(line.getLast(), "and dropped when acknowledged");
    }

    @Test
    void arrivingFramesWaitForBuffersThenLandInRam() {
        rings(TX_RING, 4, RX_RING, 4);
        byte[] f = frame(100, MacAddress.parse("52:54:00:00:00:01"));
        nic.offer(f);
        nic.deliverArrived();
        assertTrue(nic.hasArrived(), "no buffers yet: the frame waits");
        descriptor(RX_RING, 0, BUFFERS, 1514, NicRing.OWNED);
        ring(NetworkCard.DOORBELL_RX);
        assertFalse(nic.hasArrived());
        assertArrayEquals(f, ram.readBytes(BUFFERS, 100));
        assertEquals(100, ram.read(RX_RING + 4, 2));
        assertEquals(NicRing.DONE, ram.read(RX_RING + 6, 2));
        assertEquals(NetworkCard.ISR_RX, isr());
        assertEquals(1, nic.counters().rxFrames());
    }

    private void assertStopped(NicError expected) {
        assertEquals(expected.code(), errorCode());
        assertEquals(3, nic.read(0x506, 1), "link up, stopped by an error");
        assertTrue((isr() & NetworkCard.ISR_ERROR) != 0);
        int before = sent.size();
        ring(NetworkCard.DOORBELL_TX | NetworkCard.DOORBELL_RX);
        assertEquals(before, sent.size(), "a stopped card does nothing until reset");
        ring(NetworkCard.DOORBELL_RESET);
        assertEquals(0, errorCode());
        assertEquals(1, nic.read(0x506, 1));
    }

    @Test
    void ringsOutsideRamOrInTheVmmRegionStopTheCard() {
        for (long base : new long[] {RAM - 8, RAM, 0xFFF00000L, 0xFFFFFFF8L}) {
            rings(base, 4, RX_RING, 4);
            ring(NetworkCard.DOORBELL_TX);
            assertStopped(NicError.RING_OUTSIDE_RAM);
        }
        rings(TX_RING, 0, RX_RING, 4);
        ring(NetworkCard.DOORBELL_TX);
        assertStopped(NicError.RING_SIZE);
        rings(TX_RING, 100_000, RX_RING, 4);
        ring(NetworkCard.DOORBELL_TX);
        assertStopped(NicError.RING_SIZE);
    }

    @Test
    void overlappingRingsAndBuffersOverRingsStopTheCard() {
        rings(TX_RING, 16, TX_RING + 64, 16);
        ring(NetworkCard.DOORBELL_TX);
        assertStopped(NicError.OVERLAP);
        rings(TX_RING, 4, RX_RING, 4);
        ram.writeBytes(TX_RING + 8, frame(60, MAC));
        descriptor(TX_RING, 0, TX_RING, 60, NicRing.OWNED); // the frame is the ring itself
        ring(NetworkCard.DOORBELL_TX);
        assertStopped(NicError.OVERLAP);
        rings(TX_RING, 4, RX_RING, 4);
        descriptor(RX_RING, 0, RX_RING - 100, 1514, NicRing.OWNED); // would write frames over the receive ring
        nic.offer(frame(60, MAC));
        ring(NetworkCard.DOORBELL_RX);
        assertStopped(NicError.OVERLAP);
    }

    @Test
    void badLengthsAndBuffersStopTheCardAndNothingLeaves() {
        rings(TX_RING, 4, RX_RING, 4);
        for (int length : new int[] {0, 13, 1515, 0xFFFF}) {
            descriptor(TX_RING, 0, BUFFERS, length, NicRing.OWNED);
            ring(NetworkCard.DOORBELL_TX);
            assertStopped(NicError.BAD_LENGTH);
            rings(TX_RING, 4, RX_RING, 4);
        }
        for (long buffer : new long[] {RAM - 59, 0xFFF00000L, 0xFFFFFFF0L}) {
            descriptor(TX_RING, 0, buffer, 60, NicRing.OWNED);
            ring(NetworkCard.DOORBELL_TX);
            assertStopped(NicError.BUFFER_OUTSIDE_RAM);
            rings(TX_RING, 4, RX_RING, 4);
        }
        descriptor(RX_RING, 0, BUFFERS, 100, NicRing.OWNED);
        nic.offer(frame(60, MAC));
        ring(NetworkCard.DOORBELL_RX);
        assertStopped(NicError.RX_BUFFER_SMALL);
        assertTrue(sent.isEmpty());
    }

    @Test
    void oneDoorbellReadsAtMostOneRing() {
        rings(TX_RING, 8, RX_RING, 4);
        for (int i = 0; i < 8; i++) queue(i, frame(60, MAC));
        // A driver that hands every descriptor straight back: each doorbell still ends.
        nic = new NetworkCard(new NicOptions(MAC, null, f -> {
            sent.add(f);
            descriptor(TX_RING, sent.size() % 8, BUFFERS, 60, NicRing.OWNED);
        }), ram, line::add);
        rings(TX_RING, 8, RX_RING, 4);
        ring(NetworkCard.DOORBELL_TX);
        assertEquals(8, sent.size());
    }

    @Test
    void thePolicerDropsWhatIsOverTheRateAndRefillsInVirtualTime() {
        nic = card(new NicOptions.Limits(10, 0, 2, 0));
        rings(TX_RING, 8, RX_RING, 4);
        for (int i = 0; i < 4; i++) queue(i, frame(60, MAC));
        ring(NetworkCard.DOORBELL_TX);
        assertEquals(2, sent.size(), "a burst of two");
        assertEquals(2, nic.counters().txPoliced());
        nic.advance(200_000_000L); // 0.2 s at 10 frames/s: two more tokens
        for (int i = 4; i < 8; i++) queue(i, frame(60, MAC));
        ring(NetworkCard.DOORBELL_TX);
        assertEquals(4, sent.size());
    }

    @Test
    void aFullQueueDropsAndCounts() {
        for (int i = 0; i < NetworkCard.MAX_WAITING + 5; i++) nic.offer(frame(60, MAC));
        assertEquals(5, nic.counters().rxDropped());
    }

    @Test
    void saveAndRestoreKeepRingsHeadsAndErrorButNotTheMac() {
        rings(TX_RING, 4, RX_RING, 4);
        queue(0, frame(60, MAC));
        ring(NetworkCard.DOORBELL_TX);
        DeviceState saved = nic.save();
        NetworkCard other = new NetworkCard(new NicOptions(MacAddress.parse("52:54:00:aa:bb:cc"), null, sent::add), ram, b -> { });
        other.restore(saved);
        assertEquals(1, other.read(0x51E, 2));
        assertEquals(TX_RING, other.read(0x510, 4));
        assertEquals(0xaa, other.read(0x503, 1), "the clone keeps its own address");
        assertEquals(1, other.counters().txFrames());
        assertEquals(((NetworkCard.State) saved).txHead(), ((NetworkCard.State) other.save()).txHead());
    }

    @Test
    void randomGarbageNeverThrowsAndOnlyWellFormedLengthsLeave() {
        Random random = new Random(11);
        for (int round = 0; round < 3000; round++) {
            if (round % 100 == 0) {
                byte[] junk = new byte[0x4000];
                random.nextBytes(junk);
                ram.writeBytes(TX_RING, junk);
                ram.writeBytes(BUFFERS, junk);
            }
            int port = NetworkCard.FIRST_PORT + random.nextInt(NetworkCard.PORTS);
            int size = new int[] {1, 2, 4}[random.nextInt(3)];
            int value = switch (random.nextInt(4)) {
                case 0 -> random.nextInt();
                case 1 -> TX_RING + random.nextInt(0x3000);
                case 2 -> random.nextInt(300);
                default -> 0xFFF00000 + random.nextInt(0x1000);
            };
            if (random.nextBoolean()) {
                nic.write(port, size, value);
            } else {
                nic.read(port, size);
            }
            if (random.nextInt(10) == 0) nic.offer(frame(14 + random.nextInt(1500), MAC));
            if (random.nextInt(10) == 0) nic.deliverArrived();
        }
        for (byte[] f : sent) {
            assertTrue(f.length >= 14 && f.length <= 1514, "a frame of " + f.length + " bytes left the card");
        }
    }
}
