package hvlab.vmm.network;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One Ethernet frame as it travels between two hosts' switches: with the name of the private
 * network it belongs to, as VXLAN carries a segment's 24-bit identifier in front of the frame
 * (RFC 7348). The receiving switch delivers it on that network only, so private networks stay
 * separate across hosts.
 *
 * <pre>
 *   u8 version = 1, u8 name length (1-64), name (ASCII), u16 frame length (14-1514), frame
 * </pre>
 *
 * The far side is another host, so nothing read here is trusted: a bad version, name or length
 * ends the tunnel with one line saying what was wrong.
 */
public record TunnelFrame(String network, byte[] frame) {
    static final int VERSION = 1;
    static final int MAX_NAME = 64;
    static final int MIN_FRAME = 14;

    public TunnelFrame {
        byte[] name = network.getBytes(StandardCharsets.US_ASCII);
        if (name.length == 0 || name.length > MAX_NAME) {
            throw new IllegalArgumentException("a network name of " + name.length + " bytes");
        }
        if (frame.length < MIN_FRAME || frame.length > EthernetFrame.MAX) {
            throw new IllegalArgumentException("a frame of " + frame.length + " bytes");
        }
    }

    public void writeTo(DataOutputStream out) throws IOException {
        byte[] name = network.getBytes(StandardCharsets.US_ASCII);
        out.writeByte(VERSION);
        out.writeByte(name.length);
        out.write(name);
        out.writeShort(frame.length);
        out.write(frame);
    }

    /** The next frame, or null at a clean end of the stream (between frames). */
    public static TunnelFrame readFrom(DataInputStream in) throws IOException {
        int version = in.read();
        if (version < 0) {
            return null;
        }
        if (version != VERSION) {
            throw new IOException("not a tunnel frame (version " + version + ")");
        }
        int nameLength = in.readUnsignedByte();
        if (nameLength == 0 || nameLength > MAX_NAME) {
            throw new IOException("a network name of " + nameLength + " bytes");
        }
        byte[] name = in.readNBytes(nameLength);
        if (name.length != nameLength) throw new EOFException("the tunnel ended inside a frame");
        for (byte b : name) {
            if (b < 0x21 || b > 0x7E) throw new IOException("a network name that is not printable ASCII");
        }
        int length = in.readUnsignedShort();
        if (length < MIN_FRAME || length > EthernetFrame.MAX) {
            throw new IOException("a frame of " + length + " bytes (14 to " + EthernetFrame.MAX + " allowed)");
        }
        byte[] frame = in.readNBytes(length);
        if (frame.length != length) throw new EOFException("the tunnel ended inside a frame");
        return new TunnelFrame(new String(name, StandardCharsets.US_ASCII), frame);
    }
}
