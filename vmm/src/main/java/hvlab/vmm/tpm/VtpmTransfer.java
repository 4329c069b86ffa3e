package hvlab.vmm.tpm;

import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.KDF;
import javax.crypto.KeyAgreement;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A vTPM moving with its VM to another host (paper IV.D.1; Berger et al., "vTPM: Virtualizing the
 * Trusted Platform Module", USENIX Security 2006, section on migration). A vTPM's keys, NV and
 * monotonic counters are the VM's secrets; on the source host they are wrapped under a key of the
 * source TPM's storage hierarchy, which the target cannot open. So for each arrival the target's
 * TPM makes a fresh key-agreement key (ECDH P-256) under its storage hierarchy and certifies it with
 * its attestation key ({@link #importKey}); the source checks that certificate up to the target
 * TPM's endorsement key and that it names the host TLS proved, then seals the vTPM to it
 * ({@link #seal}: ECDH with a key of its own, HKDF-SHA256, AES-256-GCM, bound to the VM's name and
 * the target's host and key). Only the TPM that made the key can open it ({@link Importer#open}),
 * once; a blob that was changed, or sealed to another host or another arrival, does not open.
 *
 * <p>Blob: {@code len16 || source's ephemeral public key (X.509) || GCM blob of the contents}.
 * Inside, the TPM state has its private keys wrapped under the same derived key: they are never
 * in the clear outside a TPM.
 */
public final class VtpmTransfer {
    /** The role of an import key's certificate. */
    public static final String IMPORT = "vtpm-import";
    /** A vTPM state is small (keys, 24 PCRs, a log, NV of at most a few KiB): larger blobs are refused unread. */
    public static final int MAX_BLOB = 1 << 20;
    private static final ObjectMapper JSON = Installation.json();

    /** What the target offers: a P-256 public key, its certificate first, then the TPM's quote chain (AK, EK, ...). */
    public record ImportKey(byte[] publicKey, List<Certificate> chain) {}

    /** What travels inside the blob: the vTPM as data (private keys wrapped), whose VM it is, its counters. */
    record Contents(String owner, TpmState state, Map<Integer, Long> counters) {}

    /** A vTPM that arrived: the TPM, its owner's UUID, and the counters it had (never to go below). */
    public record Arrived(Tpm tpm, String owner, Map<Integer, Long> counters) {}

    private VtpmTransfer() {}

    /**
     * The target's half: a key pair made by {@code hostTpm} for one arrival of {@code vm}, its
     * public part certified by the TPM's attestation key. The private part never leaves this object.
     */
    public static Importer importKey(Tpm hostTpm, String vm) {
        KeyPair pair = Ecdsa.newKeyPair();
        List<Certificate> chain = new ArrayList<>();
        chain.add(hostTpm.certifyKey(hostTpm.name() + " import of vm " + vm, IMPORT, pair.getPublic()));
        chain.addAll(hostTpm.quoteChain());
        return new Importer(pair, new ImportKey(pair.getPublic().getEncoded(), List.copyOf(chain)), hostTpm.name());
    }

    /**
     * Checks an import key as the source must before it seals anything to it: a P-256 key, certified
     * for importing by the attestation key of TPM {@code "host " + target}, whose certificate its
     * endorsement key signed. Returns the key; a refusal is one line naming what is wrong.
     */
    public static PublicKey check(ImportKey key, String target) {
        if (key == null || key.publicKey() == null || key.chain() == null || key.chain().size() < 3) {
            throw new IllegalArgumentException("the vTPM import key comes without its certificates");
        }
        PublicKey publicKey = Ecdsa.publicKey(key.publicKey());
        Certificate importCert = key.chain().get(0);
        Certificate ak = key.chain().get(1);
        Certificate ek = key.chain().get(2);
        String tpm = "host " + target;
        if (!IMPORT.equals(importCert.role()) || !java.util.Arrays.equals(importCert.publicKey(), key.publicKey())) {
            throw new IllegalArgumentException("the vTPM import key's certificate is not for this key");
        }
        if (!tpm.equals(importCert.issuer()) || !tpm.equals(ak.subject()) || !tpm.equals(ek.subject())) {
            throw new IllegalArgumentException("the vTPM import key is certified by TPM '" + importCert.issuer() + "', not by " + tpm
                    + "'s: it is not the target's");
        }
        if (!Certificate.ATTESTATION.equals(ak.role()) || !Certificate.ENDORSEMENT.equals(ek.role())
                || !importCert.signedBy(ak.key()) || !ak.signedBy(ek.key())) {
            throw new IllegalArgumentException("the vTPM import key's certificates do not verify up to " + tpm + "'s endorsement key");
        }
        return publicKey;
    }

    /** The source's half: {@code vtpm} (of VM {@code vm}, owned by {@code owner}) sealed to {@code to}, a key {@link #check}ed for {@code target}. */
    public static byte[] seal(Tpm vtpm, String owner, ImportKey to, String vm, String target) {
        PublicKey targetKey = check(to, target);
        KeyPair mine = Ecdsa.newKeyPair();
        SecretKey key = derive(mine.getPrivate(), targetKey, vm, target, to.publicKey());
        byte[] contents;
        try {
            contents = JSON.writeValueAsBytes(new Contents(owner, vtpm.state(key), vtpm.counters().all()));
        } catch (IOException e) {
            throw new IllegalStateException("the vTPM could not be written", e);
        }
        byte[] sealed = KeyWrap.wrap(key, contents, binding(vm, target, to.publicKey()));
        byte[] ephemeral = mine.getPublic().getEncoded();
        return ByteBuffer.allocate(2 + ephemeral.length + sealed.length).putShort((short) ephemeral.length).put(ephemeral).put(sealed).array();
    }

    /** The target TPM's key for one arrival: it opens the one blob sealed to it. */
    public static final class Importer {
        private final KeyPair pair;
        private final ImportKey offered;
        private final String host;

        private Importer(KeyPair pair, ImportKey offered, String tpmName) {
            this.pair = pair;
            this.offered = offered;
            this.host = tpmName.startsWith("host ") ? tpmName.substring(5) : tpmName;
        }

        public ImportKey offered() {
            return offered;
        }

        /**
         * The vTPM in {@code blob}, its counters in {@code counters} (the target's own file, raised
         * to the values carried, never lowered). Refused in one line: a blob too long or cut short,
         * not sealed to this key, changed on the way, or for another VM.
         */
        public Arrived open(byte[] blob, String vm, MonotonicCounters counters) {
            if (blob == null || blob.length < 2 || blob.length > MAX_BLOB) {
                throw new IllegalArgumentException("a vTPM blob of " + (blob == null ? 0 : blob.length) + " bytes");
            }
            ByteBuffer in = ByteBuffer.wrap(blob);
            int length = Short.toUnsignedInt(in.getShort());
            if (length > in.remaining()) {
                throw new IllegalArgumentException("the vTPM blob's key of " + length + " bytes runs past its end");
            }
            byte[] ephemeral = new byte[length];
            in.get(ephemeral);
            byte[] sealed = new byte[in.remaining()];
            in.get(sealed);
            SecretKey key = derive(pair.getPrivate(), Ecdsa.publicKey(ephemeral), vm, host, offered.publicKey());
            byte[] contents = KeyWrap.unwrap(key, sealed, binding(vm, host, offered.publicKey()));
            if (contents == null) {
                throw new IllegalArgumentException("the vTPM of '" + vm + "' does not open with this host's TPM: it was sealed to"
                        + " another TPM or another arrival, or changed on the way");
            }
            Contents c;
            try {
                c = JSON.readValue(contents, Contents.class);
            } catch (IOException e) {
                throw new IllegalArgumentException("the vTPM of '" + vm + "' opened but is not a vTPM state");
            }
            if (c.state() == null || c.owner() == null || c.counters() == null) {
                throw new IllegalArgumentException("the vTPM of '" + vm + "' has parts missing");
            }
            Tpm tpm = Tpm.fromState(c.state(), key, counters);
            counters.atLeast(c.counters());
            return new Arrived(tpm, c.owner(), Map.copyOf(c.counters()));
        }
    }

    private static SecretKey derive(PrivateKey mine, PublicKey theirs, String vm, String target, byte[] importKey) {
        try {
            KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
            ecdh.init(mine);
            ecdh.doPhase(theirs, true);
            byte[] shared = ecdh.generateSecret();
            KDF hkdf = KDF.getInstance("HKDF-SHA256");
            return hkdf.deriveKey("AES", HKDFParameterSpec.ofExtract().addIKM(shared)
                    .thenExpand(binding(vm, target, importKey), 32));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("no key agreement with the vTPM import key: " + e.getMessage());
        }
    }

    /** What the key and the blob are bound to: this VM, to this host, under this import key. */
    private static byte[] binding(String vm, String target, byte[] importKey) {
        return KeyWrap.utf8("hvlab-vtpm-transfer-1\n" + vm + "\n" + target + "\n" + Sha256.hex(Sha256.of(importKey)));
    }
}
