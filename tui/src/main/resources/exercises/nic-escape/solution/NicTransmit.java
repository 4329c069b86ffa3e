import java.util.Arrays;

/** The NIC's transmit handler, checked (reference solution). */
public final class NicTransmit {
    static final int MIN_FRAME = 14;
    static final int MAX_FRAME = 1514;

    private NicTransmit() {}

    public static byte[] transmit(byte[] machine, int ramSize, int buffer, int length) {
        if (length < MIN_FRAME || length > MAX_FRAME) {
            return null;
        }
        long start = Integer.toUnsignedLong(buffer); // the guest's u32, as it meant it
        long end = start + length;                   // in long: no wrap at 4 GiB
        if (ramSize < 0 || end > ramSize || end > machine.length) {
            return null;
        }
        return Arrays.copyOfRange(machine, (int) start, (int) end);
    }
}
