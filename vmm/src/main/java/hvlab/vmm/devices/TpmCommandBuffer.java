package hvlab.vmm.devices;

import hvlab.vmm.tpm.Quote;
import hvlab.vmm.tpm.TpmCommand;
import hvlab.vmm.tpm.TpmResult;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The format of the vTPM's command buffer in guest RAM (little-endian, as x86 stores numbers):
 * <pre>
 *   request:   u32 command code   u32 length   payload (length bytes)
 *   response:  u32 status         u32 length   data (length bytes)
 * </pre>
 * A real TPM 2.0 speaks big-endian structures with sessions and handles; the idea is the same: a
 * command goes into a buffer, the TPM answers into it. Decoding is defensive: a payload of the
 * wrong length is a {@link #malformed} command, never an exception that reaches the VMM.
 */
final class TpmCommandBuffer {
    static final int EXTEND = 1, PCR_READ = 2, QUOTE = 3, SEAL = 4, UNSEAL = 5, COUNTER_READ = 6,
            COUNTER_INCREMENT = 7, GET_RANDOM = 8, NV_WRITE = 9, NV_READ = 10, PCR_RESET = 11;
    static final int HEADER = 8;

    /** A command whose code is known but whose payload does not fit it. */
    static final TpmCommand MALFORMED = new TpmCommand.GetRandom(-1);

    private TpmCommandBuffer() {}

    /** The command in a request's code and payload; null for an unknown code, {@link #MALFORMED} for a bad payload. */
    static TpmCommand decode(int code, byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        boolean hasWord = payload.length >= 4;
        int word = hasWord ? in.getInt() : 0;
        byte[] rest = hasWord ? java.util.Arrays.copyOfRange(payload, 4, payload.length) : new byte[0];
        return switch (code) {
            case EXTEND -> payload.length == 36 ? new TpmCommand.Extend(word, rest) : MALFORMED;
            case PCR_READ -> payload.length == 4 ? new TpmCommand.PcrRead(word) : MALFORMED;
            case PCR_RESET -> payload.length == 4 ? new TpmCommand.PcrReset(word) : MALFORMED;
            case QUOTE -> hasWord ? new TpmCommand.MakeQuote(word, rest) : MALFORMED;
            case SEAL -> hasWord ? new TpmCommand.Seal(word, rest) : MALFORMED;
            case UNSEAL -> new TpmCommand.Unseal(payload);
            case COUNTER_READ -> payload.length == 4 ? new TpmCommand.CounterRead(word) : MALFORMED;
            case COUNTER_INCREMENT -> payload.length == 4 ? new TpmCommand.CounterIncrement(word) : MALFORMED;
            case GET_RANDOM -> payload.length == 4 ? new TpmCommand.GetRandom(word) : MALFORMED;
            case NV_WRITE -> hasWord ? new TpmCommand.NvWrite(word, rest) : MALFORMED;
            case NV_READ -> payload.length == 4 ? new TpmCommand.NvRead(word) : MALFORMED;
            default -> null;
        };
    }

    /**
     * The data of a successful result. A quote comes back as the 32-byte PCR digest, the u32
     * length of the signature, and the signature (DER): what a guest needs to hand to a verifier
     * together with its nonce.
     */
    static byte[] data(TpmResult result) {
        return switch (result) {
            case TpmResult.Done d -> new byte[0];
            case TpmResult.Data d -> d.bytes();
            case TpmResult.Counter c -> ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(c.value()).array();
            case TpmResult.Signed s -> quote(s.quote());
            case TpmResult.Failed f -> new byte[0];
        };
    }

    private static byte[] quote(Quote q) {
        return ByteBuffer.allocate(32 + 4 + q.signature().length).order(ByteOrder.LITTLE_ENDIAN)
                .put(q.pcrDigest()).putInt(q.signature().length).put(q.signature()).array();
    }

    static byte[] response(int status, byte[] data) {
        return ByteBuffer.allocate(HEADER + data.length).order(ByteOrder.LITTLE_ENDIAN).putInt(status).putInt(data.length)
                .put(data).array();
    }
}
