package hvlab.vmm.image.ova;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A store's key for signing the images it exports: an ECDSA key pair on the NIST P-256 curve
 * (FIPS 186-5), signatures SHA256withECDSA. It is made the first time the store exports an image
 * and kept in {@code <store>/keys/image-signing.pem}, readable by its owner only (mode 600): the
 * private key as PKCS#8 and the public key as X.509 SubjectPublicKeyInfo, both PEM (RFC 7468),
 * which is what {@code openssl pkey} reads.
 *
 * <p>The file is written whole or not at all: to a temporary file, forced to disk, then given its
 * name with link(2), which fails if the name exists. Two exports racing to make the first key
 * cannot both win; the loser reads the winner's key.
 */
public final class SigningKey {
    public static final String FOLDER = "keys";
    public static final String FILE = "image-signing.pem";
    static final String ALGORITHM = "SHA256withECDSA";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** The store's key, made now if the store has none yet. */
    public static SigningKey ofStore(Path store) {
        Path file = store.resolve(FOLDER).resolve(FILE);
        if (!Files.exists(file)) {
            create(file);
        }
        return read(file);
    }

    /** The store's public key, or null if it never signed anything (no key is made). */
    public static PublicKey publicKeyOfStore(Path store) {
        Path file = store.resolve(FOLDER).resolve(FILE);
        return Files.exists(file) ? read(file).publicKey : null;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public byte[] sign(byte[] data) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(privateKey);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** As OpenSSH shows keys: {@code SHA256:} and the base64 of the SHA-256 of the public key's encoding. */
    public static String fingerprint(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void create(Path file) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            String text = pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
            Path folder = file.getParent();
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path temp = Files.createTempFile(folder, ".key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
                    channel.force(true);
                }
                try {
                    Files.createLink(file, temp);
                } catch (FileAlreadyExistsException another) {
                    // another export made the store's key first: use that one
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | GeneralSecurityException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot make the store's signing key " + file + ": " + e.getMessage(), e);
        }
    }

    private static SigningKey read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            KeyFactory keys = KeyFactory.getInstance("EC");
            PrivateKey privateKey = keys.generatePrivate(new PKCS8EncodedKeySpec(unpem(text, "PRIVATE KEY")));
            PublicKey publicKey = keys.generatePublic(new X509EncodedKeySpec(unpem(text, "PUBLIC KEY")));
            return new SigningKey(privateKey, publicKey);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the store's signing key " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The DER bytes of the first PEM block of {@code type} in {@code text}. */
    static byte[] unpem(String text, String type) {
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                return Base64.getMimeDecoder().decode(m.group(2));
            }
        }
        throw new IllegalArgumentException("no " + type + " in it");
    }
}
