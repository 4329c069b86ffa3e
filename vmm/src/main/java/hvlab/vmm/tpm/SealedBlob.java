package hvlab.vmm.tpm;

import java.nio.ByteBuffer;

/**
 * Data sealed to a PCR policy (TPM2_Create with a PolicyPCR authorisation, then TPM2_Unseal):
 * encrypted under the TPM's storage root key, with the policy as GCM's associated data. The TPM
 * releases it only while the selected PCRs hash to what they hashed to when it was sealed, that
 * is, only to the software that was running then. Change one byte of that software and its
 * measurement changes, the PCRs change, and the secret stays locked.
 *
 * <p>As bytes (what a guest holds): {@code u32 selection || 32-byte policy || AES-GCM blob}.
 *
 * @param policy SHA-256 of the selected PCRs' values at sealing time
 */
public record SealedBlob(int selection, byte[] policy, byte[] encrypted) {
    private static final int HEADER = 4 + Sha256.BYTES;

    public byte[] toBytes() {
        return ByteBuffer.allocate(HEADER + encrypted.length).putInt(selection).put(policy).put(encrypted).array();
    }

    /** The blob in {@code bytes}, or null when they cannot be one. */
    public static SealedBlob fromBytes(byte[] bytes) {
        if (bytes.length <= HEADER) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int selection = in.getInt();
        byte[] policy = new byte[Sha256.BYTES];
        in.get(policy);
        byte[] encrypted = new byte[in.remaining()];
        in.get(encrypted);
        return new SealedBlob(selection, policy, encrypted);
    }
}
