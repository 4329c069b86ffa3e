package hvlab.vmm.gdb;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The framing of the GDB Remote Serial Protocol (gdb manual, appendix E.1 "Overview"): a packet
 * is {@code $}, its body, {@code #}, and the body's checksum (the sum of its bytes modulo 256) as
 * two hex digits. In a body, {@code $ # *} and <code>}</code> are escaped as <code>}</code>
 * followed by the byte XOR 0x20 ({@code *} would otherwise start run-length encoding, which gdb
 * may use in the replies it reads but never in what it sends; we send none).
 */
public final class Rsp {
    /** Ctrl-C: gdb sends this single byte, outside any packet, to interrupt a running target. */
    public static final int INTERRUPT = 0x03;
    /**
     * The largest packet body we accept (and announce in {@code qSupported} as PacketSize): a
     * bound on what a client can make us hold. gdb's memory writes stay below it by themselves.
     */
    public static final int MAX_BODY = 16 * 1024;

    private static final HexFormat HEX = HexFormat.of();

    private Rsp() {}

    /** The checksum of a body as it travels (after escaping). */
    public static int checksum(byte[] wire) {
        int sum = 0;
        for (byte b : wire) {
            sum += b & 0xFF;
        }
        return sum & 0xFF;
    }

    /** The whole packet for {@code body}: escaped, framed and checksummed. */
    public static byte[] frame(String body) {
        byte[] escaped = escape(body.getBytes(StandardCharsets.ISO_8859_1));
        byte[] out = new byte[escaped.length + 4];
        out[0] = '$';
        System.arraycopy(escaped, 0, out, 1, escaped.length);
        out[escaped.length + 1] = '#';
        String sum = String.format("%02x", checksum(escaped));
        out[escaped.length + 2] = (byte) sum.charAt(0);
        out[escaped.length + 3] = (byte) sum.charAt(1);
        return out;
    }

    static byte[] escape(byte[] raw) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length + 8);
        for (byte b : raw) {
            if (b == '$' || b == '#' || b == '*' || b == '}') {
                out.write('}');
                out.write(b ^ 0x20);
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /** Undoes {@link #escape}; a trailing lone escape byte is dropped (the packet is malformed anyway). */
    static byte[] unescape(byte[] wire, int length) {
        byte[] out = new byte[length];
        int n = 0;
        for (int i = 0; i < length; i++) {
            if (wire[i] == '}' && i + 1 < length) {
                out[n++] = (byte) (wire[++i] ^ 0x20);
            } else if (wire[i] != '}') {
                out[n++] = wire[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Bytes as the lower-case hex RSP uses for memory and registers. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** Hex digits to bytes; an odd count or a non-hex digit is an {@link IllegalArgumentException}. */
    public static byte[] unhex(String digits) {
        if ((digits.length() & 1) != 0) {
            throw new IllegalArgumentException("an odd number of hex digits");
        }
        return HEX.parseHex(digits);
    }

    /** A 32-bit value as the target's memory holds it (little-endian), in hex: how {@code g} and {@code p} send registers. */
    public static String littleEndian(int value) {
        return String.format("%02x%02x%02x%02x", value & 0xFF, (value >>> 8) & 0xFF, (value >>> 16) & 0xFF, value >>> 24);
    }

    /** The inverse of {@link #littleEndian}: exactly eight hex digits. */
    public static int fromLittleEndian(String digits) {
        byte[] b = unhex(digits);
        if (b.length != 4) {
            throw new IllegalArgumentException("a 32-bit register takes 8 hex digits");
        }
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }
}
