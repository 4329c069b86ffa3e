package hvlab.vmm.devices;

import hvlab.vmm.network.MacAddress;

/**
 * A VM's network card as its host configures it: the address the switch will hold it to, the
 * rate limits on what it sends, and the wire its frames go out on (the host's switch port).
 *
 * @param mac   the card's address (locally administered); port security drops frames from any other
 * @param limits token-bucket limits on transmitted frames and bytes
 * @param wire  where transmitted frames go; called on the VM's own thread, inside the guest's OUT
 */
public record NicOptions(MacAddress mac, Limits limits, Wire wire) {
    /** The other end of the cable: the host's switch port. */
    @FunctionalInterface
    public interface Wire {
        void transmit(byte[] frame);
    }

    /**
     * Open vSwitch's ingress policing, in frames and bytes per second of the VM's virtual time,
     * each with a burst; 0 means unlimited. A frame over the limit is dropped, not delayed: a
     * policer, not a shaper, so a flooding guest costs its host no memory.
     */
    public record Limits(long framesPerSecond, long bytesPerSecond, long burstFrames, long burstBytes) {
        public static final Limits UNLIMITED = new Limits(0, 0, 0, 0);

        public Limits {
            if (framesPerSecond < 0 || bytesPerSecond < 0 || burstFrames < 0 || burstBytes < 0) {
                throw new IllegalArgumentException("network limits cannot be negative");
            }
        }
    }

    public NicOptions {
        if (mac == null || mac.isGroup()) {
            throw new IllegalArgumentException("a NIC needs an individual (not group) MAC address, not " + mac);
        }
        limits = limits == null ? Limits.UNLIMITED : limits;
        wire = wire == null ? frame -> { } : wire;
    }
}
