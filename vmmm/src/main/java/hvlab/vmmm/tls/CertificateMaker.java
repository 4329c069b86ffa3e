package hvlab.vmmm.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.ZonedDateTime;

/**
 * Makes X.509 v3 certificates with ECDSA P-256 keys, signed with SHA-256 (the algorithms of the
 * rest of hvlab's crypto, DESIGN.md section 1). A CA certificate says {@code CA:true} in its basic
 * constraints; a host's or the manager's says nothing beyond its name and key, and is signed by
 * the datacenter's CA. The JDK's own parser reads each back, so a mistake here fails at once.
 */
final class CertificateMaker {
    private static final String ECDSA_SHA256 = "1.2.840.10045.4.3.2";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";

    private CertificateMaker() {}

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make P-256 keys", e);
        }
    }

    /** A self-signed CA certificate for {@code name}. */
    static X509Certificate selfSignedCa(String name, KeyPair keys, int days) {
        return make(name, keys.getPublic(), name, keys.getPrivate(), days, true);
    }

    /** A certificate for {@code subject}'s key, signed by the CA. */
    static X509Certificate issue(String subject, PublicKey key, X509Certificate ca, PrivateKey caKey, int days) {
        String issuer = ca.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
        return make(subject, key, issuer, caKey, days, false);
    }

    private static X509Certificate make(String subject, PublicKey key, String issuer, PrivateKey signer, int days, boolean ca) {
        try {
            byte[] algorithm = Der.sequence(Der.oid(ECDSA_SHA256));
            ZonedDateTime now = ZonedDateTime.now().minusMinutes(5); // a little slack for clocks a bit behind
            byte[] serial = Der.integer(new BigInteger(64, new SecureRandom()).setBit(63));
            byte[] extensions;
            if (ca) {
                extensions = Der.explicit(3, Der.sequence(
                        Der.sequence(Der.oid(BASIC_CONSTRAINTS), Der.bool(true), Der.octets(Der.sequence(Der.bool(true)))),
                        // keyCertSign and cRLSign: bits 5 and 6
                        Der.sequence(Der.oid(KEY_USAGE), Der.bool(true), Der.octets(Der.tlv(0x03, new byte[] {1, (byte) 0x06})))));
            } else {
                // digitalSignature (bit 0): what a TLS 1.3 CertificateVerify needs of an ECDSA key
                extensions = Der.explicit(3, Der.sequence(
                        Der.sequence(Der.oid(KEY_USAGE), Der.bool(true), Der.octets(Der.tlv(0x03, new byte[] {7, (byte) 0x80})))));
            }
            byte[] tbs = Der.sequence(
                    Der.explicit(0, Der.integer(BigInteger.TWO)), // v3
                    serial, algorithm, Der.name(issuer),
                    Der.sequence(Der.time(now), Der.time(now.plusDays(days))),
                    Der.name(subject), key.getEncoded(), extensions);
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(signer);
            signature.update(tbs);
            byte[] certificate = Der.sequence(tbs, algorithm, Der.bits(signature.sign()));
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(certificate));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }
}
