package hvlab.vmm.tpm;

import javax.crypto.SecretKey;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The three keys every TPM here holds (TPM 2.0's hierarchies, much simplified):
 * <ul>
 *   <li>the <b>endorsement key</b> (EK): the TPM's identity, made once, certified by whoever
 *       vouches for the TPM. A real EK only decrypts (privacy: it must not sign what it sees);
 *       here it signs the AK's certificate, which stands for TPM2_Certify plus the credential
 *       activation a privacy CA would run.</li>
 *   <li>the <b>attestation key</b> (AK, TPM 1.2's AIK): signs quotes and nothing from outside
 *       the TPM, so a quote cannot be forged by asking the TPM to sign arbitrary bytes.</li>
 *   <li>the <b>storage root key</b> (SRK): protects what the TPM seals, and the TPM's own state
 *       when it is written out. Real SRKs are asymmetric; sealing uses a symmetric key derived
 *       from it, which is what this AES-256 key stands for.</li>
 * </ul>
 *
 * @param chain the certificates from the EK's up to (not including) the manufacturer's key:
 *              EK certificate first, then whatever vouches for its issuer
 */
public record TpmKeys(String name, KeyPair endorsement, KeyPair attestation, SecretKey storageRoot,
                      List<Certificate> chain, Certificate attestationCertificate) {

    /** A new TPM's keys: its EK certified by {@code issuer}, its AK certified by its EK. */
    public static TpmKeys create(String name, Issuer issuer) {
        KeyPair ek = Ecdsa.newKeyPair();
        KeyPair ak = Ecdsa.newKeyPair();
        List<Certificate> chain = issuer.certifyEndorsement(name, ek.getPublic());
        Certificate akCertificate = Certificate.issue(name, Certificate.ATTESTATION, ak.getPublic(), name, ek.getPrivate());
        return new TpmKeys(name, ek, ak, KeyWrap.newAesKey(), List.copyOf(chain), akCertificate);
    }

    /** The whole chain a verifier walks from a quote: the AK's certificate, the EK's, and above. */
    public List<Certificate> quoteChain() {
        List<Certificate> out = new ArrayList<>();
        out.add(attestationCertificate);
        out.addAll(chain);
        return out;
    }

    /** The keys as written out: public parts and certificates as they are, private parts wrapped. */
    public record Stored(String name, byte[] endorsementPublic, byte[] endorsementPrivate, byte[] attestationPublic,
                         byte[] attestationPrivate, byte[] storageRoot, List<Certificate> chain,
                         Certificate attestationCertificate) {}

    public Stored store(SecretKey wrapping) {
        return new Stored(name, endorsement.getPublic().getEncoded(), wrap(wrapping, endorsement.getPrivate().getEncoded(), "ek"),
                attestation.getPublic().getEncoded(), wrap(wrapping, attestation.getPrivate().getEncoded(), "ak"),
                wrap(wrapping, storageRoot.getEncoded(), "srk"), chain, attestationCertificate);
    }

    public static TpmKeys load(Stored s, SecretKey wrapping) {
        PrivateKey ek = Ecdsa.privateKey(unwrap(wrapping, s.endorsementPrivate(), s.name(), "ek"));
        PrivateKey ak = Ecdsa.privateKey(unwrap(wrapping, s.attestationPrivate(), s.name(), "ak"));
        SecretKey srk = KeyWrap.aesKey(unwrap(wrapping, s.storageRoot(), s.name(), "srk"));
        PublicKey ekPublic = Ecdsa.publicKey(s.endorsementPublic());
        PublicKey akPublic = Ecdsa.publicKey(s.attestationPublic());
        return new TpmKeys(s.name(), new KeyPair(ekPublic, ek), new KeyPair(akPublic, ak), srk, List.copyOf(s.chain()),
                s.attestationCertificate());
    }

    private byte[] wrap(SecretKey wrapping, byte[] key, String role) {
        return KeyWrap.wrap(wrapping, key, KeyWrap.utf8(name + ":" + role));
    }

    private static byte[] unwrap(SecretKey wrapping, byte[] blob, String name, String role) {
        byte[] plain = KeyWrap.unwrap(wrapping, blob, KeyWrap.utf8(name + ":" + role));
        if (plain == null) {
            throw new IllegalArgumentException("the " + role + " of TPM " + name + " does not unwrap: wrong key, or the state was changed");
        }
        return plain;
    }
}
