import java.util.Arrays;

/** The NIC's transmit handler, weakened: see 'hv exercise show nic-escape'. */
public final class NicTransmit {
    private NicTransmit() {}

    public static byte[] transmit(byte[] machine, int ramSize, int buffer, int length) {
        // TODO: this trusts the guest. Find every way it reads what is not guest RAM, and refuse them.
        if (buffer < ramSize && length <= 1514) {
            return Arrays.copyOfRange(machine, buffer, buffer + length);
        }
        return null;
    }
}
