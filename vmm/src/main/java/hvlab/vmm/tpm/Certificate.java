package hvlab.vmm.tpm;

import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * A statement "this public key belongs to {@code subject}, in the role {@code role}", signed by
 * {@code issuer}. Real TPMs carry X.509 certificates; this record keeps only what a verifier
 * checks, so a student can read one in the JSON. The chains hvlab builds:
 *
 * <pre>
 *   manufacturer CA ──signs──▶ host TPM's EK ──certifies──▶ host TPM's AK ──signs──▶ host quote
 *                                                  │
 *                                                  └──certifies──▶ vTPM's EK ──▶ vTPM's AK ──▶ VM quote
 * </pre>
 *
 * The second line is Berger et al.'s vTPM (USENIX Security 2006): a virtual TPM has no chip
 * maker, so the TPM of the host it runs on vouches for it.
 *
 * @param role {@link #ENDORSEMENT} or {@link #ATTESTATION}
 */
public record Certificate(String subject, String role, byte[] publicKey, String issuer, byte[] signature) {
    public static final String ENDORSEMENT = "endorsement";
    public static final String ATTESTATION = "attestation";

    public static Certificate issue(String subject, String role, PublicKey key, String issuer, PrivateKey issuerKey) {
        byte[] encoded = key.getEncoded();
        return new Certificate(subject, role, encoded, issuer, Ecdsa.sign(issuerKey, signed(subject, role, encoded, issuer)));
    }

    /** Was this certificate signed by {@code issuerKey}? */
    public boolean signedBy(PublicKey issuerKey) {
        return Ecdsa.verify(issuerKey, signed(subject, role, publicKey, issuer), signature);
    }

    public PublicKey key() {
        return Ecdsa.publicKey(publicKey);
    }

    private static byte[] signed(String subject, String role, byte[] key, String issuer) {
        return KeyWrap.utf8("hvlab-certificate-1\n" + subject + "\n" + role + "\n" + issuer + "\n" + Sha256.hex(key));
    }
}
