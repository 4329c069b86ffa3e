package hvlab.vmm.tpm;

/** What a {@link TpmCommand} gave: data, a quote, a counter, or a refusal with its reason. */
public sealed interface TpmResult {
    /** Done, nothing to return (extend, reset, NV write). */
    record Done() implements TpmResult {}

    /** Bytes: a PCR's value, an unsealed secret, a sealed blob, NV contents, random bytes. */
    record Data(byte[] bytes) implements TpmResult {}

    record Signed(Quote quote) implements TpmResult {}

    record Counter(long value) implements TpmResult {}

    /** Refused: the code a guest sees, and a sentence for a person. */
    record Failed(TpmResponse response, String reason) implements TpmResult {}
}
