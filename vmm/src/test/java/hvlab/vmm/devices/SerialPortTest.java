package hvlab.vmm.devices;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SerialPortTest {
    final StringBuilder console = new StringBuilder();
    final SerialPort com1 = new SerialPort(b -> console.append((char) b));

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
}
