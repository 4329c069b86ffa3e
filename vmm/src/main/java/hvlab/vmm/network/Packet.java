package hvlab.vmm.network;

/**
 * What an IDS reads of a frame: IPv4 addresses, the protocol, ports and the payload (RFC 791 for
 * the IPv4 header, whose length is in its IHL field; RFC 768 and 793 for UDP and TCP ports). A
 * frame that is not IPv4, or is cut short, has no packet: the guest may send anything, and a
 * malformed header is never read past its end.
 */
public record Packet(int source, int destination, int protocol, int sourcePort, int destinationPort, byte[] payload) {
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;

    public static Packet of(EthernetFrame frame) {
        if (frame.etherType() != EthernetFrame.IPV4) {
            return null;
        }
        byte[] b = frame.bytes();
        int ip = EthernetFrame.HEADER;
        if (b.length < ip + 20 || (b[ip] >> 4 & 0xF) != 4) {
            return null;
        }
        int headerLength = (b[ip] & 0xF) * 4;
        int totalLength = u16(b, ip + 2);
        if (headerLength < 20 || totalLength < headerLength || ip + totalLength > b.length) {
            return null;
        }
        int protocol = b[ip + 9] & 0xFF;
        int source = u32(b, ip + 12);
        int destination = u32(b, ip + 16);
        int l4 = ip + headerLength;
        int end = ip + totalLength;
        int sourcePort = -1;
        int destinationPort = -1;
        int data = l4;
        if ((protocol == UDP && end - l4 >= 8) || (protocol == TCP && end - l4 >= 20)) {
            sourcePort = u16(b, l4);
            destinationPort = u16(b, l4 + 2);
            data = protocol == UDP ? l4 + 8 : Math.min(end, l4 + ((b[l4 + 12] >> 4 & 0xF) * 4));
        }
        byte[] payload = new byte[Math.max(0, end - data)];
        System.arraycopy(b, data, payload, 0, payload.length);
        return new Packet(source, destination, protocol, sourcePort, destinationPort, payload);
    }

    public static String address(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static int u32(byte[] b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }
}
