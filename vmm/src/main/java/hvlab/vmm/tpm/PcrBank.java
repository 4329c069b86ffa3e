package hvlab.vmm.tpm;

import java.util.ArrayList;
import java.util.List;

/**
 * The platform configuration registers (PCRs): 24 SHA-256 registers that can only be
 * <em>extended</em>, never written. TPM 2.0 (TCG Part 1, section 17):
 *
 * <pre>
 *   PCR[i] := SHA-256(PCR[i] || digest)
 * </pre>
 *
 * Extending is a one-way ratchet: the value after a sequence of measurements depends on every
 * one of them and on their order, and no sequence of later extends can bring a PCR back to a
 * value it had. That is why software that was measured before it ran cannot hide: to make the
 * PCR look as if something else had run, it would have to find a SHA-256 preimage.
 *
 * <p>Which PCRs can be reset, and when (the PC Client platform profile):
 * <ul>
 *   <li>0-15: only when the whole platform resets (power on). Firmware, boot loader, OS.</li>
 *   <li>16: the debug PCR, resettable at any time (for testing; never trust it).</li>
 *   <li>17-22: reset to all ones at start-up and to zeros by a <em>dynamic launch</em> (Intel
 *       TXT's GETSEC[SENTER], AMD's SKINIT): a late launch of a measured environment that does
 *       not trust what booted before it. All ones at power on tells a verifier "no dynamic
 *       launch happened".</li>
 *   <li>23: the application PCR, resettable at any time.</li>
 * </ul>
 */
public final class PcrBank {
    public static final int COUNT = 24;
    public static final int DEBUG = 16;
    public static final int APPLICATION = 23;

    private final byte[][] values = new byte[COUNT][];

    /** A bank as after power on. */
    public PcrBank() {
        powerOn();
    }

    /** The platform resets: 0-16 and 23 to zeros, 17-22 to all ones. */
    public void powerOn() {
        for (int i = 0; i < COUNT; i++) {
            values[i] = new byte[Sha256.BYTES];
            if (isDynamic(i)) {
                java.util.Arrays.fill(values[i], (byte) 0xFF);
            }
        }
    }

    private static boolean isDynamic(int index) {
        return index >= 17 && index <= 22;
    }

    /** A dynamic launch: PCRs 17-22 to zeros, ready to measure the launched environment. */
    public void dynamicLaunch() {
        for (int i = 17; i <= 22; i++) {
            values[i] = new byte[Sha256.BYTES];
        }
    }

    /** Can software reset this PCR on its own (TPM2_PCR_Reset)? Only 16 and 23. */
    public static boolean resettable(int index) {
        return index == DEBUG || index == APPLICATION;
    }

    /** TPM2_PCR_Reset: refused (false) for a PCR that only a platform reset or dynamic launch may clear. */
    public boolean reset(int index) {
        check(index);
        if (!resettable(index)) {
            return false;
        }
        values[index] = new byte[Sha256.BYTES];
        return true;
    }

    /** TPM2_PCR_Extend: PCR[index] := SHA-256(PCR[index] || digest). */
    public void extend(int index, byte[] digest) {
        check(index);
        if (digest.length != Sha256.BYTES) {
            throw new IllegalArgumentException("a SHA-256 measurement has 32 bytes, not " + digest.length);
        }
        values[index] = extended(values[index], digest);
    }

    /** What extending {@code pcr} by {@code digest} gives: the rule itself, for replay. */
    public static byte[] extended(byte[] pcr, byte[] digest) {
        return Sha256.of(pcr, digest);
    }

    public byte[] read(int index) {
        check(index);
        return values[index].clone();
    }

    /**
     * The digest a quote or a policy covers: SHA-256 over the selected PCRs' values, in index
     * order (TPM 2.0's "pcrDigest"). {@code selection} has bit i set for PCR i.
     */
    public byte[] selectionDigest(int selection) {
        return digestOf(selection, all());
    }

    /** {@link #selectionDigest} over values someone else holds (a log's replay, a reference). */
    public static byte[] digestOf(int selection, List<byte[]> pcrs) {
        var digest = Sha256.newDigest();
        for (int i = 0; i < COUNT; i++) {
            if ((selection & (1 << i)) != 0) {
                digest.update(pcrs.get(i));
            }
        }
        return digest.digest();
    }

    /** Every PCR's value, PCR 0 first. */
    public List<byte[]> all() {
        List<byte[]> out = new ArrayList<>(COUNT);
        for (byte[] value : values) {
            out.add(value.clone());
        }
        return out;
    }

    /** Takes up values {@link #all()} gave (a saved machine's bank). */
    public void load(List<byte[]> saved) {
        if (saved.size() != COUNT) {
            throw new IllegalArgumentException("a PCR bank has " + COUNT + " registers, not " + saved.size());
        }
        for (int i = 0; i < COUNT; i++) {
            if (saved.get(i).length != Sha256.BYTES) {
                throw new IllegalArgumentException("PCR " + i + " must hold 32 bytes");
            }
            values[i] = saved.get(i).clone();
        }
    }

    static void check(int index) {
        if (index < 0 || index >= COUNT) {
            throw new IllegalArgumentException("there is no PCR " + index + " (0-23)");
        }
    }
}
