package hvlab.vmm.tpm;

import javax.crypto.SecretKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A Trusted Platform Module, modelled on TPM 2.0's semantics (not its wire format): PCRs with
 * their log, keys with their certificates, quotes, sealing, NV storage, monotonic counters and
 * a random number generator. The host has one (its measured launch, paper IV.A.2); every VM has
 * one of its own, a vTPM (Berger et al., 2006).
 *
 * <p>What a TPM is for, in one sentence: it cannot stop bad software from running, but it can
 * <em>record</em> what ran, in a way the software cannot undo ({@link PcrBank}), and later
 * <em>report</em> that record with a signature nobody else can make ({@link Quote}), or keep a
 * secret for only the software it recorded ({@link SealedBlob}).
 */
public final class Tpm implements Issuer {
    public static final int MAX_NONCE = 64;
    public static final int MAX_RANDOM = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TpmKeys keys;
    private final PcrBank pcrs = new PcrBank();
    private final EventLog log = new EventLog();
    private final NvStorage nv = new NvStorage();
    private final MonotonicCounters counters;
    private long resetCount;

    private Tpm(TpmKeys keys, MonotonicCounters counters) {
        this.keys = keys;
        this.counters = counters;
    }

    /** A new TPM named {@code name}, its endorsement key certified by {@code issuer}. */
    public static Tpm manufacture(String name, Issuer issuer, MonotonicCounters counters) {
        return new Tpm(TpmKeys.create(name, issuer), counters);
    }

    @Override
    public String name() {
        return keys.name();
    }

    /** The EK's public key: the TPM's identity. Two TPMs with the same one are the same TPM. */
    public PublicKey endorsementKey() {
        return keys.endorsement().getPublic();
    }

    /** The bank itself: for the TPM's own thread (the VM's), else use {@link #pcrValues()}. */
    public PcrBank pcrs() {
        return pcrs;
    }

    /** Every PCR's value now, PCR 0 first; safe from any thread. */
    public synchronized List<byte[]> pcrValues() {
        return pcrs.all();
    }

    public synchronized List<TpmEvent> log() {
        return log.events();
    }

    public synchronized long resetCount() {
        return resetCount;
    }

    public MonotonicCounters counters() {
        return counters;
    }

    /** Power on (TPM2_Startup(CLEAR)): PCRs back to their start values, a new log, one more reset. */
    public synchronized void powerOn() {
        pcrs.powerOn();
        log.clear();
        resetCount++;
    }

    /** Measures {@code data} into {@code pcr}: its SHA-256 is extended there and logged. */
    public synchronized byte[] measure(int pcr, String type, byte[] data, String description) {
        byte[] digest = Sha256.of(data);
        extend(pcr, digest, type, description);
        return digest;
    }

    public synchronized void extend(int pcr, byte[] digest, String type, String description) {
        pcrs.extend(pcr, digest);
        log.add(new TpmEvent(pcr, type, Sha256.hex(digest), description));
    }

    /** Signs the selected PCRs' digest and {@code nonce} with the attestation key. */
    public synchronized Quote quote(int selection, byte[] nonce) {
        byte[] digest = pcrs.selectionDigest(selection);
        byte[] signature = Ecdsa.sign(keys.attestation().getPrivate(),
                Quote.signedBytes(name(), selection, digest, nonce, resetCount));
        return new Quote(name(), selection, digest, nonce.clone(), resetCount, signature, keys.quoteChain());
    }

    /** Seals {@code data} to the current values of the PCRs in {@code selection}. */
    public synchronized SealedBlob seal(int selection, byte[] data) {
        byte[] policy = pcrs.selectionDigest(selection);
        return new SealedBlob(selection, policy, KeyWrap.wrap(keys.storageRoot(), data, policyBinding(selection, policy)));
    }

    /** Unseals: the data only when the PCRs hash as they did at sealing, else the reason it is refused. */
    public synchronized TpmResult unseal(byte[] blobBytes) {
        SealedBlob blob = SealedBlob.fromBytes(blobBytes);
        if (blob == null) {
            return new TpmResult.Failed(TpmResponse.INTEGRITY, "not a sealed blob");
        }
        byte[] now = pcrs.selectionDigest(blob.selection());
        if (!java.util.Arrays.equals(now, blob.policy())) {
            return new TpmResult.Failed(TpmResponse.POLICY_FAIL, "the PCRs are not what the data was sealed to");
        }
        byte[] plain = KeyWrap.unwrap(keys.storageRoot(), blob.encrypted(), policyBinding(blob.selection(), blob.policy()));
        return plain == null ? new TpmResult.Failed(TpmResponse.INTEGRITY, "the blob was changed, or sealed by another TPM")
                : new TpmResult.Data(plain);
    }

    private static byte[] policyBinding(int selection, byte[] policy) {
        return Sha256.of(KeyWrap.utf8("PolicyPCR"), java.nio.ByteBuffer.allocate(4).putInt(selection).array(), policy);
    }

    /** Answers one command; a refusal is a {@link TpmResult.Failed}, never an exception. */
    public synchronized TpmResult execute(TpmCommand command) {
        return switch (command) {
            case TpmCommand.Extend e when !validPcr(e.pcr()) -> badPcr(e.pcr());
            case TpmCommand.Extend e when e.digest().length != Sha256.BYTES ->
                    new TpmResult.Failed(TpmResponse.BAD_SIZE, "a measurement has 32 bytes");
            case TpmCommand.Extend e -> {
                extend(e.pcr(), e.digest(), TpmEvent.GUEST_EXTEND, "extended by the guest");
                yield new TpmResult.Done();
            }
            case TpmCommand.PcrRead r when !validPcr(r.pcr()) -> badPcr(r.pcr());
            case TpmCommand.PcrRead r -> new TpmResult.Data(pcrs.read(r.pcr()));
            case TpmCommand.PcrReset r when !validPcr(r.pcr()) -> badPcr(r.pcr());
            case TpmCommand.PcrReset r -> pcrs.reset(r.pcr()) ? new TpmResult.Done()
                    : new TpmResult.Failed(TpmResponse.BAD_PCR, "PCR " + r.pcr() + " resets only with the platform");
            case TpmCommand.MakeQuote q when q.nonce().length == 0 || q.nonce().length > MAX_NONCE ->
                    new TpmResult.Failed(TpmResponse.BAD_SIZE, "a nonce has 1 to " + MAX_NONCE + " bytes");
            case TpmCommand.MakeQuote q -> new TpmResult.Signed(quote(q.selection() & 0xFFFFFF, q.nonce()));
            case TpmCommand.Seal s when s.data().length > NvStorage.MAX_BYTES ->
                    new TpmResult.Failed(TpmResponse.BAD_SIZE, "at most " + NvStorage.MAX_BYTES + " bytes can be sealed");
            case TpmCommand.Seal s -> new TpmResult.Data(seal(s.selection() & 0xFFFFFF, s.data()).toBytes());
            case TpmCommand.Unseal u -> unseal(u.blob());
            case TpmCommand.NvWrite w -> nv.write(w.index(), w.data()) ? new TpmResult.Done()
                    : new TpmResult.Failed(TpmResponse.BAD_SIZE, "NV storage is full or the data too long");
            case TpmCommand.NvRead r -> {
                byte[] data = nv.read(r.index());
                yield data == null ? new TpmResult.Failed(TpmResponse.NV_UNDEFINED, "nothing at NV index " + r.index())
                        : new TpmResult.Data(data);
            }
            case TpmCommand.CounterRead c -> new TpmResult.Counter(counters.read(c.counter()));
            case TpmCommand.CounterIncrement c -> increment(c.counter());
            case TpmCommand.GetRandom g when g.bytes() < 1 || g.bytes() > MAX_RANDOM ->
                    new TpmResult.Failed(TpmResponse.BAD_SIZE, "ask for 1 to " + MAX_RANDOM + " random bytes");
            case TpmCommand.GetRandom g -> {
                byte[] out = new byte[g.bytes()];
                RANDOM.nextBytes(out);
                yield new TpmResult.Data(out);
            }
        };
    }

    private TpmResult increment(int counter) {
        try {
            return new TpmResult.Counter(counters.increment(counter));
        } catch (RuntimeException e) {
            return new TpmResult.Failed(TpmResponse.FAILURE, "the counter could not be stored");
        }
    }

    private static boolean validPcr(int pcr) {
        return pcr >= 0 && pcr < PcrBank.COUNT;
    }

    private static TpmResult badPcr(int pcr) {
        return new TpmResult.Failed(TpmResponse.BAD_PCR, "there is no PCR " + pcr);
    }

    /**
     * As an issuer for vTPMs (Berger's vTPM): this TPM's attestation key certifies a new vTPM's
     * endorsement key, and this TPM's own chain goes above it, up to the manufacturer.
     */
    @Override
    public List<Certificate> certifyEndorsement(String subject, PublicKey key) {
        List<Certificate> chain = new ArrayList<>();
        chain.add(Certificate.issue(subject, Certificate.ENDORSEMENT, key, name(), keys.attestation().getPrivate()));
        chain.addAll(keys.quoteChain());
        return chain;
    }

    /**
     * Certifies a key this TPM holds for {@code role} (TPM2_Certify): its attestation key signs
     * that the key is its own. A vTPM's import key on a migration's target is one
     * ({@link VtpmTransfer}).
     */
    public synchronized Certificate certifyKey(String subject, String role, PublicKey key) {
        return Certificate.issue(subject, role, key, name(), keys.attestation().getPrivate());
    }

    /** The attestation key's certificate and the chain above it, as a verifier walks them. */
    public List<Certificate> quoteChain() {
        return keys.quoteChain();
    }

    /** The same TPM with a new identity (new EK, AK and SRK): what a cloned VM's vTPM becomes. */
    public synchronized Tpm withNewIdentity(String name, Issuer issuer) {
        Tpm copy = new Tpm(TpmKeys.create(name, issuer), counters);
        copy.pcrs.load(pcrs.all());
        copy.log.load(log.events());
        copy.resetCount = resetCount;
        return copy; // NV contents sealed by the old SRK would not unseal anyway: a new machine starts empty
    }

    /** The TPM as data, its private keys wrapped under {@code wrapping}. */
    public synchronized TpmState state(SecretKey wrapping) {
        return new TpmState(TpmState.FORMAT, keys.store(wrapping), pcrs.all().stream().map(Sha256::hex).toList(),
                log.events(), nv.all(), resetCount);
    }

    /** A TPM from {@link #state}; fails with one line when the wrapping key is wrong or the state damaged. */
    public static Tpm fromState(TpmState state, SecretKey wrapping, MonotonicCounters counters) {
        if (!TpmState.FORMAT.equals(state.format())) {
            throw new IllegalArgumentException("a TPM state of format '" + state.format() + "'; this hvlab reads " + TpmState.FORMAT);
        }
        Tpm tpm = new Tpm(TpmKeys.load(state.keys(), wrapping), counters);
        tpm.pcrs.load(state.pcrs().stream().map(Sha256::unhex).toList());
        tpm.log.load(state.log());
        tpm.nv.load(state.nv());
        tpm.resetCount = state.resetCount();
        return tpm;
    }

    /** A key derived from the storage root key for one purpose ({@link KeyWrap#derive}); the root itself never leaves. */
    public SecretKey storageKeyFor(String purpose) {
        return KeyWrap.derive(keys.storageRoot(), purpose);
    }
}
