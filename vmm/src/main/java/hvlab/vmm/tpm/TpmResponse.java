package hvlab.vmm.tpm;

/**
 * What a TPM command can answer, with the number a guest reads (the vTPM device's status).
 * TPM 2.0 has hundreds of TPM_RC codes; these are the ones this model can give, named after them.
 */
public enum TpmResponse {
    SUCCESS(0, "TPM_RC_SUCCESS"),
    /** The command code is not one the TPM knows. */
    BAD_COMMAND(1, "TPM_RC_COMMAND_CODE"),
    /** A length is wrong: past the buffer, too big, too small. */
    BAD_SIZE(2, "TPM_RC_SIZE"),
    /** No such PCR, or one that may not be reset. */
    BAD_PCR(3, "TPM_RC_VALUE"),
    /** Unseal refused: the PCRs are not what the data was sealed to. */
    POLICY_FAIL(4, "TPM_RC_POLICY_FAIL"),
    /** A sealed blob that was changed, or sealed by another TPM. */
    INTEGRITY(5, "TPM_RC_INTEGRITY"),
    /** Nothing stored at that NV index. */
    NV_UNDEFINED(6, "TPM_RC_NV_UNINITIALIZED"),
    /** The command buffer is not (all) in guest RAM (a vTPM device error, not the TPM's). */
    BAD_ADDRESS(7, "HVLAB_BAD_ADDRESS"),
    /** Something failed inside (storage full, a disk error): the TPM is fine, the command is not done. */
    FAILURE(8, "TPM_RC_FAILURE");

    private final int code;
    private final String tcgName;

    TpmResponse(int code, String tcgName) {
        this.code = code;
        this.tcgName = tcgName;
    }

    public int code() {
        return code;
    }

    public String tcgName() {
        return tcgName;
    }
}
