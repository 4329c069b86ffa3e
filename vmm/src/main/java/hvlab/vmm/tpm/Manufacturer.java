package hvlab.vmm.tpm;

import javax.crypto.SecretKey;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;

/**
 * The "TPM manufacturer": the certificate authority whose signature on an endorsement key says
 * "this key lives inside a genuine TPM". A verifier trusts this one public key and nothing else;
 * everything a quote claims is believed only as far as a chain of signatures leads back here.
 *
 * <p>Each hvlab installation (each store) makes its own, so two classrooms cannot vouch for each
 * other's TPMs. Its private key is kept wrapped, like a TPM's.
 */
public final class Manufacturer implements Issuer {
    private final String name;
    private final PublicKey publicKey;
    private final PrivateKey privateKey;

    private Manufacturer(String name, PublicKey publicKey, PrivateKey privateKey) {
        this.name = name;
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    public static Manufacturer create(String name) {
        KeyPair pair = Ecdsa.newKeyPair();
        return new Manufacturer(name, pair.getPublic(), pair.getPrivate());
    }

    @Override
    public String name() {
        return name;
    }

    /** The root of trust a verifier is given. */
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public List<Certificate> certifyEndorsement(String subject, PublicKey key) {
        return List.of(Certificate.issue(subject, Certificate.ENDORSEMENT, key, name, privateKey));
    }

    /** As stored: the private key wrapped under {@code wrapping}. */
    public record Stored(String name, byte[] publicKey, byte[] wrappedPrivateKey) {}

    public Stored store(SecretKey wrapping) {
        return new Stored(name, publicKey.getEncoded(), KeyWrap.wrap(wrapping, privateKey.getEncoded(), KeyWrap.utf8("manufacturer:" + name)));
    }

    public static Manufacturer load(Stored stored, SecretKey wrapping) {
        byte[] plain = KeyWrap.unwrap(wrapping, stored.wrappedPrivateKey(), KeyWrap.utf8("manufacturer:" + stored.name()));
        if (plain == null) {
            throw new IllegalArgumentException("the manufacturer's key does not unwrap: wrong seed, or the file was changed");
        }
        return new Manufacturer(stored.name(), Ecdsa.publicKey(stored.publicKey()), Ecdsa.privateKey(plain));
    }
}
