package hvlab.vmm.devices;

/**
 * Why the paravirtual NIC stopped: the codes its ERROR register (port 0x507) shows. Each is a
 * mistake (or an attack) of the guest's driver; none is a failure of the VMM. Like virtio's
 * DEVICE_NEEDS_RESET status bit, the device then does nothing more until the driver resets it,
 * so a confused driver cannot make it scribble over memory it was never given.
 */
public enum NicError {
    NONE(0, "no error"),
    RING_OUTSIDE_RAM(1, "a descriptor ring is not wholly inside guest RAM"),
    RING_SIZE(2, "a ring size is not 1 to " + NetworkCard.MAX_RING + " descriptors"),
    OVERLAP(3, "a ring overlaps the other ring, or a buffer overlaps a ring"),
    BUFFER_OUTSIDE_RAM(4, "a descriptor's buffer is not wholly inside guest RAM"),
    BAD_LENGTH(5, "a transmit length is not 14 to 1514 bytes (a runt or a giant)"),
    RX_BUFFER_SMALL(6, "a receive buffer is smaller than 1514 bytes");

    private final int code;
    private final String meaning;

    NicError(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    static NicError of(int code) {
        for (NicError e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return NONE;
    }
}
