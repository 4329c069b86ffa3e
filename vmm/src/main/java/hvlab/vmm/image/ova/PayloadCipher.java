package hvlab.vmm.image.ova;

import hvlab.vmm.image.ova.OvfDescriptor.Encryption;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * {@code --encrypt}: every payload file sealed with AES-256-GCM under a key made from a passphrase.
 *
 * <p><b>The key.</b> A passphrase is a weak secret, so it is stretched: PBKDF2 with HMAC-SHA256
 * (RFC 8018) over a random 16-byte salt, 310,000 iterations (OWASP's figure for this PRF), makes
 * every guess an attacker tries cost as much as our one derivation. The salt (in the descriptor)
 * means the same passphrase gives a different key in every image. From that master key two keys
 * are expanded as HKDF-Expand does (RFC 5869, one HMAC block each): the AES key, and a 16-byte
 * key check kept in the descriptor, which lets import say "wrong passphrase" rather than "damaged".
 *
 * <p><b>The files.</b> GCM (NIST SP 800-38D) encrypts and authenticates: a changed bit makes
 * decryption fail instead of yielding changed plaintext. One GCM message per file would make a
 * reader hold a whole disk before it may trust a byte of it (the JDK's GCM buffers until the tag
 * checks out), so a file is sealed in segments of 1 MiB, each its own GCM message, as TLS 1.3
 * seals records (RFC 8446 5.3) and Tink's streaming AEAD seals segments:
 * <pre>
 *   file    = IV (12 random bytes, fresh for each file) || segment 0 || segment 1 || ...
 *   segment = AES-256-GCM(key, nonce = IV xor index, plaintext of up to 1 MiB,
 *             associated data = "hvlab-ova-1" || SHA-256(descriptor) || file name || index || last?) || tag
 * </pre>
 * The associated data binds each segment to its place: to this file (segments cannot be swapped
 * between files), to its position (nor reordered), to whether it is the last (nor the file cut
 * short at a segment boundary), and to the descriptor (whose memory size, mode or identity cannot
 * then be changed without the passphrase either, though anyone can read them).
 */
public final class PayloadCipher {
    public static final int ITERATIONS = 310_000;
    static final int MIN_ITERATIONS = 100_000;
    static final int MAX_ITERATIONS = 10_000_000;
    static final int SEGMENT = 1 << 20;
    static final int MIN_SEGMENT = 4096;
    static final int MAX_SEGMENT = 16 << 20;
    static final int IV = 12;
    static final int TAG = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CONTEXT = "hvlab-ova-1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final Encryption parameters;

    private PayloadCipher(SecretKeySpec key, Encryption parameters) {
        this.key = key;
        this.parameters = parameters;
    }

    /** A new key from {@code passphrase}, with a fresh salt: for an export. */
    public static PayloadCipher create(char[] passphrase) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] master = pbkdf2(passphrase, salt, ITERATIONS);
        return new PayloadCipher(new SecretKeySpec(expand(master, "aes-256-gcm key"), "AES"),
                new Encryption(ITERATIONS, salt, SEGMENT, Arrays.copyOf(expand(master, "key check"), 16)));
    }

    /** The key of an image from {@code passphrase}, or null when the passphrase is not the image's. */
    public static PayloadCipher unlock(char[] passphrase, Encryption parameters) {
        byte[] master = pbkdf2(passphrase, parameters.salt(), parameters.iterations());
        byte[] check = Arrays.copyOf(expand(master, "key check"), parameters.keyCheck().length);
        if (!MessageDigest.isEqual(check, parameters.keyCheck())) {
            return null;
        }
        return new PayloadCipher(new SecretKeySpec(expand(master, "aes-256-gcm key"), "AES"), parameters);
    }

    public Encryption parameters() {
        return parameters;
    }

    /** The size of a file of {@code plain} bytes once sealed: its IV, its bytes, a tag per segment. */
    public static long sealedSize(long plain, int segment) {
        long segments = Math.max(1, (plain + segment - 1) / segment);
        return IV + plain + TAG * segments;
    }

    /** The plaintext size of a sealed file of {@code sealed} bytes, or -1 if no plaintext seals to that size. */
    public static long plainSize(long sealed, int segment) {
        long body = sealed - IV;
        if (body < TAG) {
            return -1;
        }
        long segments = (body + segment + TAG - 1) / (segment + TAG);
        long plain = body - TAG * segments;
        return sealedSize(plain, segment) == sealed ? plain : -1;
    }

    /** Seals {@code length} bytes of {@code in} into {@code out} as the file {@code name} of a package. */
    public void seal(InputStream in, long length, OutputStream out, String name, byte[] descriptorDigest) throws IOException {
        byte[] iv = new byte[IV];
        RANDOM.nextBytes(iv);
        out.write(iv);
        int segment = parameters.segmentBytes();
        long segments = Math.max(1, (length + segment - 1) / segment);
        for (long i = 0; i < segments; i++) {
            int size = (int) Math.min(segment, length - i * segment);
            byte[] plain = in.readNBytes(size);
            if (plain.length != size) {
                throw new EOFException(name + " ended before its " + length + " bytes");
            }
            try {
                out.write(run(Cipher.ENCRYPT_MODE, iv, i, i == segments - 1, name, descriptorDigest, plain));
            } catch (AEADBadTagException impossible) {
                throw new IllegalStateException("sealing cannot fail a tag", impossible);
            }
        }
    }

    /**
     * Opens a sealed file of {@code sealed} bytes from {@code in} into {@code out}.
     *
     * @throws AEADBadTagException if any segment fails to authenticate: the file was changed,
     *                             cut, reordered or moved after it was sealed
     */
    public void open(InputStream in, long sealed, OutputStream out, String name, byte[] descriptorDigest)
            throws IOException, AEADBadTagException {
        byte[] iv = in.readNBytes(IV);
        long body = sealed - IV;
        int segment = parameters.segmentBytes() + TAG;
        if (iv.length != IV || body < TAG) {
            throw new AEADBadTagException(name + " is too short to be sealed");
        }
        long segments = (body + segment - 1) / segment;
        for (long i = 0; i < segments; i++) {
            int size = (int) Math.min(segment, body - i * segment);
            byte[] sealedSegment = in.readNBytes(size);
            if (sealedSegment.length != size || size < TAG) {
                throw new AEADBadTagException(name + " is cut short");
            }
            out.write(run(Cipher.DECRYPT_MODE, iv, i, i == segments - 1, name, descriptorDigest, sealedSegment));
        }
    }

    private byte[] run(int mode, byte[] iv, long index, boolean last, String name, byte[] descriptorDigest, byte[] input)
            throws AEADBadTagException {
        try {
            byte[] nonce = iv.clone();
            for (int b = 0; b < 8; b++) {
                nonce[IV - 1 - b] ^= (byte) (index >>> (8 * b));
            }
            byte[] file = name.getBytes(StandardCharsets.UTF_8);
            ByteBuffer aad = ByteBuffer.allocate(CONTEXT.length + descriptorDigest.length + 2 + file.length + 8 + 1);
            aad.put(CONTEXT).put(descriptorDigest).putShort((short) file.length).put(file).putLong(index).put((byte) (last ? 1 : 0));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG * 8, nonce));
            cipher.updateAAD(aad.array());
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
    }

    private static byte[] pbkdf2(char[] passphrase, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance(Encryption.KDF).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 failed: " + e.getMessage(), e);
        } finally {
            spec.clearPassword();
        }
    }

    /** HKDF-Expand (RFC 5869 2.3) for one block: HMAC-SHA256(master, info || 0x01). */
    private static byte[] expand(byte[] master, String info) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            mac.update(("hvlab-ova " + info).getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 1);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
