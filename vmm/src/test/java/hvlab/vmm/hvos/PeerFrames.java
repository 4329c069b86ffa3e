package hvlab.vmm.hvos;

import hvlab.vmm.network.MacAddress;

import java.nio.ByteBuffer;

/**
 * Frames a peer on the wire sends to hvos, built byte by byte in network order (RFC 826 for ARP,
 * 791 IPv4, 792 ICMP, 768 UDP), with checksums computed as RFC 1071 says: the other end of the
 * cable, so that a test can talk to hvos's stack without a second guest and can lie to it on purpose.
 */
final class PeerFrames {
    static final int ARP = 0x0806;
    static final int IPV4 = 0x0800;

    private PeerFrames() {
    }

    static byte[] ethernet(MacAddress to, MacAddress from, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(60, 14 + payload.length));
        putMac(b, to);
        putMac(b, from);
        b.putShort((short) type).put(payload);
        return b.array();
    }

    static byte[] arp(int op, MacAddress senderMac, int senderIp, MacAddress targetMac, int targetIp) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) IPV4).put((byte) 6).put((byte) 4).putShort((short) op);
        putMac(b, senderMac);
        b.putInt(senderIp);
        putMac(b, targetMac);
        b.putInt(targetIp);
        return b.array();
    }

    /** An IPv4 header (no options, checksum right) and the payload; protocol 1 ICMP, 17 UDP. */
    static byte[] ip(int protocol, int from, int to, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0x1234)
                .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0).putInt(from).putInt(to);
        b.putShort(10, (short) checksum(b.array(), 0, 20, 0));
        b.position(20);
        b.put(payload);
        return b.array();
    }

    static byte[] icmpEcho(int type, int id, int seq, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(data);
        b.putShort(2, (short) checksum(b.array(), 0, b.capacity(), 0));
        return b.array();
    }

    static byte[] udp(int from, int to, int fromPort, int toPort, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putShort((short) fromPort).putShort((short) toPort).putShort((short) (8 + data.length)).putShort((short) 0).put(data);
        int sum = checksum(b.array(), 0, b.capacity(), pseudoHeader(from, to, 8 + data.length));
        b.putShort(6, (short) (sum == 0 ? 0xFFFF : sum));
        return b.array();
    }

    static int pseudoHeader(int from, int to, int udpLength) {
        return (from >>> 16) + (from & 0xFFFF) + (to >>> 16) + (to & 0xFFFF) + 17 + udpLength;
    }

    /** The Internet checksum of len bytes at off, with a partial sum carried in; 0 over a correct header. */
    static int checksum(byte[] b, int off, int len, int sum) {
        long s = sum & 0xFFFFFFFFL;
        for (int i = 0; i + 1 < len; i += 2) s += u16(b, off + i);
        if ((len & 1) != 0) s += (b[off + len - 1] & 0xFF) << 8;
        while ((s >> 16) != 0) s = (s & 0xFFFF) + (s >> 16);
        return (int) (~s & 0xFFFF);
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    static int u32(byte[] b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    static int ip(String dotted) {
        int v = 0;
        for (String part : dotted.split("\\.")) v = v << 8 | Integer.parseInt(part);
        return v;
    }

    private static void putMac(ByteBuffer b, MacAddress mac) {
        for (int shift = 40; shift >= 0; shift -= 8) b.put((byte) (mac.bits() >>> shift));
    }
}
