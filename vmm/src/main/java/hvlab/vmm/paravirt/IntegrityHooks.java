package hvlab.vmm.paravirt;

import hvlab.vmm.trap.GuestState;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The security hooks of the paper's IV.B.2: "VMs have the ability to contact the VMM in order
 * to execute security checks, using so-called hooks." A modified (paravirtual) guest asks the
 * layer below it, which it cannot tamper with, to hash a region of its own memory (MEASURE) or
 * to compare that hash with one it expects (VERIFY).
 *
 * <p>Why ask the VMM rather than hash in the guest? Code that checks itself can be patched to
 * report success; the VMM's computation and its {@link #log()} are out of the guest's reach,
 * like a TPM's PCRs are out of the OS's reach. The limit is just as real: a guest kernel that is
 * already compromised can skip the call or supply the wrong expected hash. VERIFY helps honest
 * code notice that someone else changed it; the log is what an outside verifier should trust.
 */
public final class IntegrityHooks {
    public static final int HASH_BYTES = 32;
    private static final long CHUNK = 64 * 1024;

    /** One MEASURE or VERIFY, as the VMM saw it: what region, and what it hashed to. */
    public record Measurement(long address, long length, String sha256) {}

    /**
     * Returned by {@link #measure} and {@link #verify} when the region is too large to hash in one
     * go: the VMM has hashed part of it, and the guest's INT 0x82 runs again, with the same
     * registers, to carry on. This is Xen's hypercall continuation: a long hypercall gives the CPU
     * back between pieces, so the guest's time slice, and its deadline, still hold.
     */
    static final int AGAIN = Integer.MIN_VALUE;
    /** Bytes hashed per piece: a few milliseconds of work. */
    static final long BYTES_PER_CALL = 4L << 20;

    /** A hash in progress: which call, over what, how far. */
    private record Partial(boolean verify, long address, long length, long other, long done, MessageDigest digest) {}

    private final GuestPointers pointers;
    private final List<Measurement> log = new ArrayList<>();
    private Partial partial;

    IntegrityHooks(GuestPointers pointers) {
        this.pointers = pointers;
    }

    /** Writes SHA-256 of {@code length} bytes at {@code address} to the 32 bytes at {@code out}. */
    int measure(GuestState state, long address, long length, long out) throws GuestPointers.BadPointer {
        pointers.check(out, HASH_BYTES); // refuse before hashing: a bad call costs the VMM nothing
        byte[] hash = hash(false, state, address, length, out);
        if (hash == null) {
            return AGAIN;
        }
        pointers.write(state, out, hash);
        return 0;
    }

    /** 1 if the region hashes to the 32 bytes at {@code expected}, else 0. */
    int verify(GuestState state, long address, long length, long expected) throws GuestPointers.BadPointer {
        byte[] wanted = pointers.read(state, expected, HASH_BYTES);
        byte[] actual = hash(true, state, address, length, expected);
        if (actual == null) {
            return AGAIN;
        }
        // isEqual takes the same time wherever the first difference is: no timing side channel
        // telling a guest how many leading bytes of a forged hash were right.
        return MessageDigest.isEqual(actual, wanted) ? 1 : 0;
    }

    /** Every region the VMM has hashed for the guest, oldest first. */
    public List<Measurement> log() {
        return List.copyOf(log);
    }

    /**
     * Hashes in chunks, so measuring all of a 1 GiB guest does not need a 1 GiB array, and at
     * most {@link #BYTES_PER_CALL} per call: null means "not finished, call again".
     */
    private byte[] hash(boolean verify, GuestState state, long address, long length, long other) throws GuestPointers.BadPointer {
        pointers.check(address, length);
        Partial going = partial;
        partial = null;
        boolean same = going != null && going.verify() == verify && going.address() == address
                && going.length() == length && going.other() == other;
        MessageDigest digest = same ? going.digest() : sha256();
        long done = same ? going.done() : 0;
        long stop = Math.min(length, done + BYTES_PER_CALL);
        for (; done < stop; done += Math.min(CHUNK, stop - done)) {
            digest.update(pointers.read(state, address + done, Math.min(CHUNK, stop - done)));
        }
        if (done < length) {
            partial = new Partial(verify, address, length, other, done, digest);
            return null;
        }
        byte[] hash = digest.digest();
        log.add(new Measurement(address, length, HexFormat.of().formatHex(hash)));
        return hash;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
