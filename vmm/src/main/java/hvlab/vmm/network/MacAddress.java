package hvlab.vmm.network;

import java.util.HexFormat;

/** A 48-bit Ethernet address. Bit 0 of the first byte set means a group (multicast or broadcast) address. */
public record MacAddress(long bits) {
    public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);

    public MacAddress {
        if (bits < 0 || bits > 0xFFFF_FFFF_FFFFL) {
            throw new IllegalArgumentException("a MAC address has 48 bits");
        }
    }

    public static MacAddress of(byte[] bytes, int at) {
        long bits = 0;
        for (int i = 0; i < 6; i++) {
            bits = (bits << 8) | (bytes[at + i] & 0xFF);
        }
        return new MacAddress(bits);
    }

    /** "52:54:00:12:34:56". */
    public static MacAddress parse(String text) {
        String hex = text.replace(":", "").replace("-", "");
        if (hex.length() != 12) {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'");
        }
        return new MacAddress(HexFormat.fromHexDigitsToLong(hex));
    }

    /** The six bytes, first on the wire first. */
    public byte[] bytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (bits >>> (40 - 8 * i));
        }
        return b;
    }

    public boolean isGroup() {
        return ((bits >>> 40) & 1) != 0;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int shift = 40; shift >= 0; shift -= 8) {
            text.append(String.format("%02x", (bits >>> shift) & 0xFF)).append(shift > 0 ? ":" : "");
        }
        return text.toString();
    }
}
