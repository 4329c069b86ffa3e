package hvlab.vmm.network;

/**
 * The frame a hypervisor sends for a VM that has just arrived somewhere (QEMU's
 * {@code qemu_announce_self} after a live migration): a broadcast Reverse ARP request (RFC 903)
 * with the VM's address as its source. Switches learn from any frame's source address, so every
 * switch the broadcast reaches now sends that address's frames the right way; guests ignore RARP.
 */
public final class Announcement {
    private static final int RARP = 0x8035;

    private Announcement() { }

    public static byte[] rarp(MacAddress mac) {
        byte[] f = new byte[60];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) 0xFF;
        }
        byte[] m = mac.bytes();
        System.arraycopy(m, 0, f, 6, 6);
        f[12] = (byte) (RARP >> 8);
        f[13] = (byte) RARP;
        // Hardware Ethernet (1), protocol IPv4, lengths 6 and 4, operation 3: "reverse request".
        byte[] body = {0, 1, 0x08, 0x00, 6, 4, 0, 3};
        System.arraycopy(body, 0, f, 14, body.length);
        System.arraycopy(m, 0, f, 22, 6); // sender hardware address
        System.arraycopy(m, 0, f, 32, 6); // target hardware address: itself
        return f;
    }
}
