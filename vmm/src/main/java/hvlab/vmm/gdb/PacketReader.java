package hvlab.vmm.gdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the client's byte stream as RSP units: packets, acknowledgements, Ctrl-C. Bytes between
 * packets that mean nothing (line noise, a stray {@code #}) are skipped, as gdbserver does. A
 * packet is bounded ({@link Rsp#MAX_BODY}): a longer one is read to its end and reported as
 * {@link Incoming.TooLong} without being kept, so no client makes the stub hold more than that.
 */
public final class PacketReader {
    private final InputStream in;
    private final byte[] body = new byte[Rsp.MAX_BODY + 1];

    public PacketReader(InputStream in) {
        this.in = in;
    }

    /** The next unit; blocks until one arrives. */
    public Incoming next() throws IOException {
        while (true) {
            int b = in.read();
            switch (b) {
                case -1 -> {
                    return new Incoming.End();
                }
                case '+' -> {
                    return new Incoming.Ack();
                }
                case '-' -> {
                    return new Incoming.Nack();
                }
                case Rsp.INTERRUPT -> {
                    return new Incoming.Interrupt();
                }
                case '$' -> {
                    return packet();
                }
                default -> { } // noise between packets
            }
        }
    }

    private Incoming packet() throws IOException {
        int length = 0;
        boolean tooLong = false;
        int sum = 0;
        while (true) {
            int b = in.read();
            if (b == -1) {
                return new Incoming.End();
            }
            if (b == '#') {
                break;
            }
            if (b == '$') {
                // A new packet started inside this one: the client gave up on the first.
                length = 0;
                sum = 0;
                tooLong = false;
                continue;
            }
            sum = (sum + b) & 0xFF;
            if (length < body.length) {
                body[length++] = (byte) b;
            } else {
                tooLong = true;
            }
        }
        int high = in.read();
        int low = in.read();
        if (high == -1 || low == -1) {
            return new Incoming.End();
        }
        int expected = Character.digit(high, 16) << 4 | Character.digit(low, 16);
        if (Character.digit(high, 16) < 0 || Character.digit(low, 16) < 0) {
            return new Incoming.Damaged("checksum digits are not hex");
        }
        if (tooLong || length > Rsp.MAX_BODY) {
            return new Incoming.TooLong();
        }
        if (expected != sum) {
            return new Incoming.Damaged(String.format("checksum %02x, computed %02x", expected, sum));
        }
        return new Incoming.Packet(new String(Rsp.unescape(body, length), StandardCharsets.ISO_8859_1));
    }
}
