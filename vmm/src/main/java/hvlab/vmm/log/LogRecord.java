package hvlab.vmm.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entry of a host's secure log: what happened, to which VM, who asked, and the two hashes
 * that chain it to the log: {@code prev}, the hash of the record before it, and {@code hash},
 * its own, over all its other fields. Changing any byte of a record changes its hash, which no
 * longer matches the {@code prev} of the next one: a hash chain, as in Schneier and Kelsey's
 * secure audit logs (1999) and in the Merkle-free core of every transparency log.
 *
 * @param seq    the record's place: 0, 1, 2, ... without gaps
 * @param vm     the VM it concerns, or "" for the host itself
 * @param kind   "lifecycle", "command", "snapshot", "checkpoint", "torn", ...
 * @param actor  who asked: a user, "guest" (the guest itself, e.g. a power-off), or "host"
 * @param details more about it, as text; sorted by key when hashed
 */
public record LogRecord(long seq, Instant time, String host, String vm, String kind, String actor,
                        Map<String, String> details, String prev, String hash) {
    /** The {@code prev} of record 0. */
    public static final String GENESIS = "0".repeat(64);

    public LogRecord {
        details = Map.copyOf(details);
    }

    /** A new record after the one whose hash is {@code prev}, with its own hash computed. */
    public static LogRecord next(long seq, Instant time, String host, String vm, String kind, String actor,
                                 Map<String, String> details, String prev) {
        LogRecord unhashed = new LogRecord(seq, time, host, vm, kind, actor, details, prev, "");
        return new LogRecord(seq, time, host, vm, kind, actor, details, prev, unhashed.computeHash());
    }

    /**
     * SHA-256 over every field but the hash itself, each written with its length in front, so that
     * no two different records can encode to the same bytes ("ab"+"c" is not "a"+"bc").
     */
    public String computeHash() {
        StringBuilder text = new StringBuilder();
        for (String field : new String[] {Long.toString(seq), time.toString(), host, vm, kind, actor, prev}) {
            text.append(field.length()).append(':').append(field);
        }
        for (Map.Entry<String, String> e : new TreeMap<>(details).entrySet()) {
            text.append(e.getKey().length()).append(':').append(e.getKey());
            text.append(e.getValue().length()).append(':').append(e.getValue());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
