package hvlab.vmm.tpm;

/**
 * The commands a TPM takes, as records (TPM 2.0's command codes, by meaning not by wire
 * format). The vTPM device decodes a guest's buffer into one of these and {@link Tpm#execute}
 * answers it with a {@link TpmResult}; nothing here can reach the TPM's private keys.
 */
public sealed interface TpmCommand {
    /** TPM2_PCR_Extend. */
    record Extend(int pcr, byte[] digest) implements TpmCommand {}

    /** TPM2_PCR_Read of one PCR. */
    record PcrRead(int pcr) implements TpmCommand {}

    /** TPM2_PCR_Reset: only PCRs 16 and 23. */
    record PcrReset(int pcr) implements TpmCommand {}

    /** TPM2_Quote over the PCRs in {@code selection} (bit i: PCR i) with the caller's nonce. */
    record MakeQuote(int selection, byte[] nonce) implements TpmCommand {}

    /** Seal {@code data} to the current values of the PCRs in {@code selection}. */
    record Seal(int selection, byte[] data) implements TpmCommand {}

    /** Unseal a blob {@link Seal} made (as bytes). */
    record Unseal(byte[] blob) implements TpmCommand {}

    /** TPM2_NV_Write: store bytes at an index (replacing what was there). */
    record NvWrite(int index, byte[] data) implements TpmCommand {}

    /** TPM2_NV_Read. */
    record NvRead(int index) implements TpmCommand {}

    /** Read a monotonic counter. */
    record CounterRead(int counter) implements TpmCommand {}

    /** TPM2_NV_Increment: add one, return the new value. */
    record CounterIncrement(int counter) implements TpmCommand {}

    /** TPM2_GetRandom. */
    record GetRandom(int bytes) implements TpmCommand {}
}
