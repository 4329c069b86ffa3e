package hvlab.vmm.tpm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the hash of the TPM 2.0 bank hvlab models. A TPM 2.0 chip may carry several banks
 * (SHA-1, SHA-256, SHA-384...), each a full set of PCRs extended in parallel; one bank is enough
 * to show every idea, and SHA-1's collisions are why the others exist.
 */
public final class Sha256 {
    /** Bytes in a digest: the size of every PCR and every measurement. */
    public static final int BYTES = 32;

    private Sha256() {}

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** SHA-256 of the parts, one after another. */
    public static byte[] of(byte[]... parts) {
        MessageDigest digest = newDigest();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    public static byte[] unhex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
