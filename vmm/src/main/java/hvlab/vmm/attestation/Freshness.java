package hvlab.vmm.attestation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * The verifier's memory of nonces. A quote proves the PCRs were what it says <em>when the TPM saw
 * the nonce</em>; so a verifier (1) asks with a nonce nobody could have guessed, and (2) accepts
 * each nonce once. Without (1) an attacker could collect quotes in advance; without (2) a quote
 * recorded yesterday, on the honest machine, could be played back today on a compromised one.
 *
 * <p>With a file, the used nonces outlive the process ({@code hv attest --nonce N} twice with the
 * same N is a replay the second time).
 */
public final class Freshness {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Set<String> used = new HashSet<>();
    private final Path file;

    public Freshness() {
        this.file = null;
    }

    public Freshness(Path file) {
        this.file = file;
        try {
            if (Files.isRegularFile(file)) {
                used.addAll(Files.readAllLines(file, StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the used nonces in " + file, e);
        }
    }

    /** A new random nonce to ask with. */
    public static byte[] challenge() {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** Accepts {@code nonce} once: true the first time, false for every later use. */
    public synchronized boolean use(byte[] nonce) {
        String hex = HexFormat.of().formatHex(nonce);
        if (!used.add(hex)) {
            return false;
        }
        if (file != null) {
            try {
                Files.writeString(file, hex + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record a used nonce in " + file, e);
            }
        }
        return true;
    }
}
