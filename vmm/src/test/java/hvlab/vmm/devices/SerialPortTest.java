package hvlab.vmm.devices;

import hvlab.vmm.console.ConsoleLog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SerialPortTest {
    static final int RBR = 0x3F8, IER = 0x3F9, IIR = 0x3FA, FCR = 0x3FA, LSR = 0x3FD;

    final StringBuilder console = new StringBuilder();
    final List<Boolean> irq4 = new ArrayList<>();
    final SerialPort com1 = new SerialPort(b -> console.append((char) b), new ConsoleLog(), irq4::add);

    boolean irqHigh() {
        return !irq4.isEmpty() && irq4.getLast();
    }

    void type(String text) {
        for (char c : text.toCharArray()) com1.receive(c);
    }

    @Test
    void transmitterIsAlwaysReadyAndBytesReachTheConsole() {
        assertEquals(0x60, com1.read(0x3FD, 1) & 0x60, "LSR: THR empty and transmitter empty");
        for (char c : "hi\n".toCharArray()) com1.write(0x3F8, 1, c);
        assertEquals("hi\n", console.toString());
        assertEquals("hi\n", com1.text());
    }

    @Test
    void divisorLatchRedirectsTheDataRegister() {
        com1.write(0x3FB, 1, 0x80);          // LCR: DLAB on
        com1.write(0x3F8, 1, 0x01);          // divisor low: 115200 baud
        com1.write(0x3F9, 1, 0x00);
        assertEquals(1, com1.read(0x3F8, 1));
        com1.write(0x3FB, 1, 0x03);          // 8N1, DLAB off
        com1.write(0x3F8, 1, 'x');
        assertEquals("x", com1.text(), "the divisor bytes were not printed");
    }

    @Test
    void scratchRegisterHoldsAByte() {
        com1.write(0x3FF, 1, 0x5A);
        assertEquals(0x5A, com1.read(0x3FF, 1));
    }

    @Test
    void receivedBytesWaitInOrderAndDataReadyFollowsTheFifo() {
        assertEquals(0, com1.read(LSR, 1) & 1, "nothing received yet");
        assertEquals(0, com1.read(RBR, 1), "an empty RBR reads 0");
        type("ok");
        assertEquals(1, com1.read(LSR, 1) & 1);
        assertEquals('o', com1.read(RBR, 1));
        assertEquals('k', com1.read(RBR, 1));
        assertEquals(0, com1.read(LSR, 1) & 1);
    }

    @Test
    void aFullFifoDropsTheRestAndReportsOverrunOnce() {
        type("0123456789abcdefXYZ");
        assertEquals(SerialPort.FIFO_DEPTH, com1.bytesWaiting());
        assertEquals(3, com1.overruns());
        assertEquals(0x02, com1.read(LSR, 1) & 0x02, "OE set");
        assertEquals(0, com1.read(LSR, 1) & 0x02, "reading LSR cleared OE");
        StringBuilder got = new StringBuilder();
        while ((com1.read(LSR, 1) & 1) != 0) got.append((char) com1.read(RBR, 1));
        assertEquals("0123456789abcdef", got.toString());
    }

    @Test
    void receivedDataRaisesIrq4UntilTheFifoIsEmpty() {
        type("a");
        assertFalse(irqHigh(), "IER is 0: no interrupt");
        assertEquals(0x01, com1.read(IIR, 1) & 0x0F, "no interrupt pending");
        com1.write(IER, 1, 0x01);
        assertTrue(irqHigh(), "enabling with data waiting raises the line");
        assertEquals(0x04, com1.read(IIR, 1) & 0x0F);
        type("b");
        assertEquals('a', com1.read(RBR, 1));
        assertTrue(irqHigh(), "still a byte waiting");
        assertEquals('b', com1.read(RBR, 1));
        assertFalse(irqHigh());
        assertEquals(0x01, com1.read(IIR, 1) & 0x0F);
    }

    @Test
    void thrEmptyInterruptIsAcknowledgedByReadingIirAndComesBackAfterEachByte() {
        com1.write(IER, 1, 0x02);
        assertTrue(irqHigh(), "THR is empty when the interrupt is enabled");
        assertEquals(0x02, com1.read(IIR, 1) & 0x0F);
        assertFalse(irqHigh(), "reading IIR acknowledged it");
        assertEquals(0x01, com1.read(IIR, 1) & 0x0F);
        com1.write(RBR, 1, 'z');
        assertTrue(irqHigh(), "the byte went at once: THR empty again");
    }

    @Test
    void receivedDataOutranksThrEmptyAndLineStatusOutranksBoth() {
        com1.write(IER, 1, 0x07);
        type("x");
        assertEquals(0x04, com1.read(IIR, 1) & 0x0F);
        type("0123456789abcdef");                 // one too many: overrun
        assertEquals(0x06, com1.read(IIR, 1) & 0x0F);
        com1.read(LSR, 1);                        // clears OE
        assertEquals(0x04, com1.read(IIR, 1) & 0x0F);
        com1.write(FCR, 1, 0x02);                 // empty the receive FIFO
        assertEquals(0x02, com1.read(IIR, 1) & 0x0F, "only THR empty is left");
    }

    @Test
    void fcrBit0IsWhatIirBits7And6Report() {
        assertEquals(0, com1.read(IIR, 1) & 0xC0);
        com1.write(FCR, 1, 0xC7);
        assertEquals(0xC0, com1.read(IIR, 1) & 0xC0, "a 16550A with its FIFOs on");
    }

    @Test
    void saveAndRestoreCarryTheFifoAndPendingCauses() {
        com1.write(IER, 1, 0x01);
        com1.write(0x3FB, 1, 0x03);
        type("queued");
        com1.read(RBR, 1);
        DeviceState saved = com1.save();

        List<Boolean> otherIrq = new ArrayList<>();
        SerialPort copy = new SerialPort(b -> { }, new ConsoleLog(), otherIrq::add);
        copy.restore(saved);
        StringBuilder got = new StringBuilder();
        while ((copy.read(LSR, 1) & 1) != 0) got.append((char) copy.read(RBR, 1));
        assertEquals("ueued", got.toString());
        assertEquals(0x03, copy.read(0x3FB, 1));
        assertEquals(List.of(false), otherIrq, "the line dropped when the restored FIFO emptied");
        assertThrows(IllegalArgumentException.class, () -> copy.restore(new DebugExitDevice.State()));
    }

    @Test
    void oddAccessesNeverThrow() {
        for (int offset = 0; offset < 8; offset++) {
            com1.write(0x3F8 + offset, 4, 0xFFFFFFFF);
            com1.read(0x3F8 + offset, 4);
        }
        com1.receive(0x1FF);
        com1.write(0x3FB, 1, 0x03);
        com1.write(FCR, 1, 0x02);
        com1.receive(0x1FF);
        assertEquals(0xFF, com1.read(RBR, 1), "a received value is one byte");
    }

    @Test
    void theReceiverListensOnceTheDriverPollsTheLineStatusOrEnablesItsInterrupt() {
        assertFalse(com1.listening(), "a fresh UART: typed text waits");
        com1.write(0x3F9, 1, 0x02); // THR-empty interrupt only
        assertFalse(com1.listening());
        com1.write(0x3F9, 1, 0x01); // received data
        assertTrue(com1.listening());
        SerialPort poller = new SerialPort(b -> { }, new ConsoleLog(), level -> { });
        poller.read(0x3FD, 1); // LSR: a polling driver looking for data
        assertTrue(poller.listening());
    }
}
