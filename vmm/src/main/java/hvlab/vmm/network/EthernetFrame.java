package hvlab.vmm.network;

/**
 * An Ethernet II frame as a guest's NIC hands it over: destination, source, EtherType, payload
 * (IEEE 802.3; no preamble, no checksum: virtual wires do not flip bits). What the switch reads of
 * it is checked here first: a frame is guest data, and a guest may send anything.
 */
public record EthernetFrame(MacAddress destination, MacAddress source, int etherType, byte[] bytes) {
    public static final int HEADER = 14;
    /** The largest frame a standard NIC sends: 1500 bytes of payload and the header. */
    public static final int MAX = 1514;
    public static final int IPV4 = 0x0800;
    public static final int ARP = 0x0806;

    public EthernetFrame {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The frame in {@code bytes}; throws with the reason for a runt or a giant. */
    public static EthernetFrame parse(byte[] bytes) {
        if (bytes.length < HEADER) {
            throw new IllegalArgumentException("a runt: " + bytes.length + " bytes, not even an Ethernet header");
        }
        if (bytes.length > MAX) {
            throw new IllegalArgumentException("a giant: " + bytes.length + " bytes, more than " + MAX);
        }
        int type = ((bytes[12] & 0xFF) << 8) | (bytes[13] & 0xFF);
        return new EthernetFrame(MacAddress.of(bytes, 0), MacAddress.of(bytes, 6), type, bytes);
    }

    public int length() {
        return bytes.length;
    }
}
