package hvlab.vmm.host;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

/** New machine identities: UUIDs, MAC addresses and VM generation IDs, from a cryptographic random source. */
public final class Identity {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Identity() {}

    public static String newUuid() {
        return UUID.randomUUID().toString();
    }

    /**
     * A MAC address in QEMU's range, 52:54:00:xx:xx:xx. The first octet 0x52 has the "locally
     * administered" bit (0x02) set and the multicast bit (0x01) clear: an address no network card
     * was given at the factory, so it cannot collide with a real one.
     */
    public static String newMac() {
        byte[] tail = new byte[3];
        RANDOM.nextBytes(tail);
        return String.format("52:54:00:%02x:%02x:%02x", tail[0] & 0xFF, tail[1] & 0xFF, tail[2] & 0xFF);
    }

    /**
     * A stable address for a VM that was given none (a definition from before networking): in the
     * same locally administered range, derived from its name by SHA-256, so it is the same at every boot.
     */
    public static String macFor(String name) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return String.format("52:54:00:%02x:%02x:%02x", h[0] & 0xFF, h[1] & 0xFF, h[2] & 0xFF);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 128 random bits, as 32 hex digits: a VM generation ID. */
    public static String newGenerationId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
