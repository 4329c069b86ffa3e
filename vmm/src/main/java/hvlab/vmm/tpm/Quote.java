package hvlab.vmm.tpm;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A quote (TPM2_Quote): the TPM's attestation key signs "PCRs {@code selection} hash to
 * {@code pcrDigest}", together with the caller's nonce. The nonce is what makes a quote
 * <em>fresh</em>: a verifier picks a new random one for every question, so an old quote (of a
 * machine that was honest yesterday) cannot answer today's. {@code resetCount} counts the TPM's
 * power-ons, so a verifier also sees a reboot between two quotes.
 *
 * @param chain the AK's certificate, then the EK's and above (see {@link Certificate})
 */
public record Quote(String tpm, int selection, byte[] pcrDigest, byte[] nonce, long resetCount, byte[] signature,
                    List<Certificate> chain) {

    /** Exactly what the AK signs (TPM 2.0's TPMS_ATTEST, reduced to what we check). */
    public static byte[] signedBytes(String tpm, int selection, byte[] pcrDigest, byte[] nonce, long resetCount) {
        byte[] name = KeyWrap.utf8(tpm);
        return ByteBuffer.allocate(16 + name.length + 4 + pcrDigest.length + 4 + nonce.length + 8)
                .put(KeyWrap.utf8("hvlab-quote-1\0\0\0")).put(name).putInt(selection).put(pcrDigest)
                .putInt(nonce.length).put(nonce).putLong(resetCount).array();
    }

    public byte[] signedBytes() {
        return signedBytes(tpm, selection, pcrDigest, nonce, resetCount);
    }
}
