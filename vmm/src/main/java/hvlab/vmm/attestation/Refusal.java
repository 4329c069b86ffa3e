package hvlab.vmm.attestation;

/**
 * Why a verifier does not trust evidence: each check has its own kind, so a test (or a student)
 * can tell a replayed quote from a forged key from a modified VMM.
 */
public enum Refusal {
    /** A certificate in the chain is not signed by the one above it, or not by the manufacturer. */
    CHAIN,
    /** The quote is not signed by the attestation key its chain certifies (a forged AK, or changed bytes). */
    SIGNATURE,
    /** The quote answers another question: not the nonce the verifier asked with. */
    WRONG_NONCE,
    /** The nonce was used before: an old quote played again. */
    REPLAYED,
    /** The PCR values sent do not hash to what the quote signed. */
    PCR_VALUES,
    /** Replaying the event log does not give the quoted PCRs: the log lies, or is incomplete. */
    LOG,
    /** The PCRs (and the events behind them) differ from the reference measurements. */
    POLICY,
    /** A deep quote whose host quote does not vouch for this vTPM, or is not bound to the VM's quote. */
    BINDING
}
