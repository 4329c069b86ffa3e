package hvlab.vmm.log;

import hvlab.vmm.tpm.Tpm;
import hvlab.vmm.tpm.TpmResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * The host's log-signing key, ECDSA on P-256, kept beside the log: the public key for anyone who
 * verifies, the private key sealed by the host's TPM (wrapped under its storage root key, so the
 * file alone is useless to whoever copies it), or, for a host without a TPM, readable by the
 * host's user only. Outside every VM's folder, so no guest and no VM image ever holds it.
 */
public final class LogKey implements LogSigner {
    static final String PRIVATE = "signing-key";
    static final String SEALED = "signing-key.sealed";
    static final String PUBLIC = "signing-key.pub";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private LogKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * The key in {@code folder}, made on first use and sealed by {@code tpm} (to no PCRs: an
     * update of the VMM must not lock the host out of its own log), or kept owner-only if null.
     */
    public static LogKey openOrCreate(Path folder, Tpm tpm) throws IOException {
        Path sealed = folder.resolve(SEALED);
        if (tpm == null || Files.exists(folder.resolve(PRIVATE))) {
            return openOrCreate(folder);
        }
        try {
            KeyFactory ec = KeyFactory.getInstance("EC");
            if (Files.exists(sealed)) {
                TpmResult opened = tpm.unseal(Files.readAllBytes(sealed));
                if (!(opened instanceof TpmResult.Data data)) {
                    throw new IOException("the host's TPM will not unseal the log's signing key: "
                            + (opened instanceof TpmResult.Failed f ? f.reason() : opened));
                }
                return new LogKey(ec.generatePrivate(new PKCS8EncodedKeySpec(data.bytes())), publicKey(folder));
            }
            KeyPair pair = newPair();
            Files.createDirectories(folder);
            writePrivate(sealed, tpm.seal(0, pair.getPrivate().getEncoded()).toBytes());
            Files.write(folder.resolve(PUBLIC), pair.getPublic().getEncoded());
            return new LogKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IOException("the log's signing key in " + folder + " is damaged: " + e.getMessage(), e);
        }
    }

    private static KeyPair newPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** The key in {@code folder}, made on first use, its private half in a file only its owner may read. */
    public static LogKey openOrCreate(Path folder) throws IOException {
        Path privateFile = folder.resolve(PRIVATE);
        try {
            if (Files.exists(privateFile)) {
                KeyFactory ec = KeyFactory.getInstance("EC");
                return new LogKey(ec.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile))),
                        publicKey(folder));
            }
            KeyPair pair = newPair();
            Files.createDirectories(folder);
            writePrivate(privateFile, pair.getPrivate().getEncoded());
            Files.write(folder.resolve(PUBLIC), pair.getPublic().getEncoded());
            return new LogKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IOException("the log's signing key in " + folder + " is damaged: " + e.getMessage(), e);
        }
    }

    /** The public key in {@code folder}, for a verifier that holds no private key. */
    public static PublicKey publicKey(Path folder) throws IOException {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Files.readAllBytes(folder.resolve(PUBLIC))));
        } catch (GeneralSecurityException e) {
            throw new IOException("the log's public key in " + folder + " is damaged: " + e.getMessage(), e);
        }
    }

    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature check = Signature.getInstance("SHA256withECDSA");
            check.initVerify(key);
            check.update(data);
            return check.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a malformed signature is a signature that does not verify
        }
    }

    @Override
    public byte[] sign(byte[] data) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(privateKey);
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the log's key", e);
        }
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    private static void writePrivate(Path file, byte[] encoded) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".new");
        Files.write(temp, encoded);
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: nothing more to restrict
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
