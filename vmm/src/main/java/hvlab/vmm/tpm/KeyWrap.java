package hvlab.vmm.tpm;

import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * AES-256-GCM, the one cipher the TPM model uses: to wrap its private keys when its state is
 * written out (they never leave in the clear), and to seal data. GCM is authenticated: a
 * wrapped blob that was changed, or that belongs to another key, does not decrypt at all, and
 * the "associated data" binds a blob to what it is for (a key's role, a seal's PCR policy)
 * without hiding that.
 *
 * <p>A blob is {@code iv (12 bytes) || ciphertext with its 16-byte tag}.
 */
public final class KeyWrap {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int IV = 12;
    private static final int TAG_BITS = 128;

    private KeyWrap() {}

    public static SecretKey aesKey(byte[] bytes) {
        return new SecretKeySpec(bytes, "AES");
    }

    public static SecretKey newAesKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return aesKey(bytes);
    }

    public static byte[] wrap(SecretKey key, byte[] plain, byte[] associated) {
        byte[] iv = new byte[IV];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associated);
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(IV + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** The plain bytes, or null when the blob was changed, is too short, or is not under this key and purpose. */
    public static byte[] unwrap(SecretKey key, byte[] blob, byte[] associated) {
        if (blob == null || blob.length < IV + TAG_BITS / 8) {
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, blob, 0, IV));
            cipher.updateAAD(associated);
            return cipher.doFinal(blob, IV, blob.length - IV);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /**
     * A key for one purpose derived from a parent key with HKDF-SHA256 (RFC 5869): how a TPM
     * turns one secret seed into many keys, and how the host's storage key becomes one wrapping
     * key per vTPM (so one VM's state cannot be unwrapped as another's).
     */
    public static SecretKey derive(SecretKey parent, String purpose) {
        try {
            KDF hkdf = KDF.getInstance("HKDF-SHA256");
            return hkdf.deriveKey("AES", HKDFParameterSpec.ofExtract().addIKM(parent)
                    .thenExpand(purpose.getBytes(StandardCharsets.UTF_8), 32));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF failed", e);
        }
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
