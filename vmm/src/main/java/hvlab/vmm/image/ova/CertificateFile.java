package hvlab.vmm.image.ova;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OVF certificate file (DSP0243 5.1): a signature over the manifest and the key that checks it.
 * <pre>
 *   SHA256(web.mf)= 3045022100...      the signature (DER, in hex) of the manifest's bytes
 *   -----BEGIN PUBLIC KEY-----          the signer's public key
 *   ...
 * </pre>
 * OVF puts the signer's X.509 certificate there; the JDK can sign and verify but has no public
 * API to issue a certificate, so hvlab ships the bare public key (the certificate's inner part,
 * SubjectPublicKeyInfo). Anyone can check an image by hand with OpenSSL:
 * {@code openssl dgst -sha256 -verify key.pem -signature sig.der web.mf}.
 *
 * <p>What a signature proves is who made the manifest, and so (through its digests) every file.
 * It does not prove that the signer is someone you trust: an attacker can change an image and
 * sign it with a key of their own. That is why import names the signer and says whether it is
 * this store's own key.
 */
public final class CertificateFile {
    private static final Pattern SIGNATURE = Pattern.compile("SHA256\\(([^()]+)\\)= ([0-9a-f]{16,512})\n");

    private CertificateFile() {}

    public static byte[] write(String manifestName, byte[] manifest, SigningKey key) {
        String text = "SHA256(" + manifestName + ")= " + HexFormat.of().formatHex(key.sign(manifest)) + "\n"
                + SigningKey.pem("PUBLIC KEY", key.publicKey().getEncoded());
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The key that signed {@code manifest}, after checking that it did; {@code refuse} explains why not. */
    public static PublicKey verify(byte[] certificate, String manifestName, byte[] manifest,
                                   Function<String, ImageRefused> refuse) {
        String text = new String(certificate, StandardCharsets.US_ASCII);
        Matcher m = SIGNATURE.matcher(text);
        if (!m.lookingAt()) {
            throw refuse.apply("does not start with 'SHA256(" + manifestName + ")= SIGNATURE'");
        }
        if (!m.group(1).equals(manifestName)) {
            throw refuse.apply("signs " + m.group(1) + ", not " + manifestName);
        }
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(SigningKey.unpem(text, "PUBLIC KEY")));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw refuse.apply("holds no EC public key: " + e.getMessage());
        }
        boolean good;
        try {
            Signature signature = Signature.getInstance(SigningKey.ALGORITHM);
            signature.initVerify(key);
            signature.update(manifest);
            good = signature.verify(HexFormat.of().parseHex(m.group(2)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            good = false; // a malformed signature is a signature that does not verify
        }
        if (!good) {
            throw refuse.apply("the signature over " + manifestName + " does not verify: the manifest, or the signature, was changed");
        }
        return key;
    }
}
