package hvlab.vmm.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Checks a host's secure log from its first record to its signed tip and names the first thing
 * wrong. What each kind of tampering breaks:
 * <ul>
 *   <li>an <b>edit</b>: the record's hash no longer matches its contents (or, if the editor fixed
 *       the hash, the next record's {@code prev} no longer matches it);</li>
 *   <li>a <b>deletion</b>: a gap in the numbers, and a {@code prev} that names a record not there;</li>
 *   <li>an <b>insertion</b> or a <b>reordering</b>: a number out of turn, a {@code prev} that does
 *       not follow;</li>
 *   <li>a <b>truncation</b>: the chain is whole but ends before the record the signed tip names;</li>
 *   <li>a rewrite of everything from some point on, hashes recomputed: the signatures (checkpoints
 *       and tip) need the host's private key, which the rewriter does not have.</li>
 * </ul>
 */
public final class LogVerifier {
    /** The outcome: {@code firstBad} is the line (1-based) of the first fault, or 0 when all is well. */
    public record Verdict(boolean ok, long records, long firstBadLine, String reason, List<String> notes) {
        public String summary() {
            return ok ? "ok: " + records + " records, chain, checkpoints and tip intact"
                    + (notes.isEmpty() ? "" : "; " + String.join("; ", notes))
                    : "TAMPERED at line " + firstBadLine + ": " + reason;
        }
    }

    private LogVerifier() {}

    /** Verifies the log of the store at {@code storeRoot} with the public key kept beside it. */
    public static Verdict verify(Path storeRoot) throws IOException {
        Path folder = storeRoot.resolve(SecureLog.FOLDER);
        if (!Files.exists(folder.resolve(SecureLog.FILE))) {
            throw new IOException("no secure log in " + folder + " (a host that never ran there)");
        }
        return verify(folder, LogKey.publicKey(folder));
    }

    static Verdict verify(Path folder, PublicKey key) throws IOException {
        byte[] bytes = Files.readAllBytes(folder.resolve(SecureLog.FILE));
        int end = SecureLog.lastLineEnd(bytes);
        List<byte[]> lines = SecureLog.lines(bytes, end);
        List<String> notes = new ArrayList<>();
        long expected = 0;
        String lastHash = LogRecord.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            long line = i + 1;
            LogRecord record = parse(lines.get(i));
            if (record == null) {
                LogRecord next = i + 1 < lines.size() ? parse(lines.get(i + 1)) : null;
                if (next != null && next.kind().equals("torn") && SecureLog.sha256(lines.get(i)).equals(next.details().get("sha256"))) {
                    notes.add("line " + line + " is a record torn by a crash, reported by record " + next.seq());
                    continue;
                }
                return bad(expected, line, "not a record (bytes edited or inserted)", notes);
            }
            if (record.seq() != expected) {
                return bad(expected, line, record.seq() > expected
                        ? "record " + record.seq() + " where " + expected + " should be: records deleted or reordered"
                        : "record " + record.seq() + " again or out of order, after " + (expected - 1) + ": inserted or reordered", notes);
            }
            if (!record.prev().equals(lastHash)) {
                return bad(expected, line, "record " + record.seq() + " does not follow the record before it"
                        + " (that one was edited, or records were reordered)", notes);
            }
            if (!record.computeHash().equals(record.hash())) {
                return bad(expected, line, "record " + record.seq() + " was edited: its hash does not match its contents", notes);
            }
            if (record.kind().equals("checkpoint") && !signedBy(key, record.seq() - 1, record.prev(), record.details().get("signature"))) {
                return bad(expected, line, "checkpoint " + record.seq() + " is not signed by this host's key", notes);
            }
            if (record.kind().equals("recovered")) {
                notes.add("records " + record.details().get("from") + "-" + record.details().get("to")
                        + " were written just before a crash (record " + record.seq() + ")");
            }
            expected++;
            lastHash = record.hash();
        }
        if (end < bytes.length) {
            return bad(expected, lines.size() + 1, "the last record is cut short and not reported (a crash the host has not seen yet)", notes);
        }
        SecureLog.Tip tip = SecureLog.readTip(folder);
        if (tip == null) {
            return bad(expected, lines.size(), "the signed tip (" + SecureLog.TIP + ") is missing or damaged", notes);
        }
        if (!signedBy(key, tip.seq(), tip.hash(), tip.signature())) {
            return bad(expected, lines.size(), "the tip is not signed by this host's key", notes);
        }
        if (tip.seq() > expected - 1) {
            return bad(expected, lines.size(), "the log ends at record " + (expected - 1) + " but the signed tip names record "
                    + tip.seq() + ": records were cut off the end", notes);
        }
        if (tip.seq() < expected - 1 || !tip.hash().equals(lastHash)) {
            return bad(expected, lines.size(), "records after " + tip.seq() + " are not covered by the signed tip: added without the key", notes);
        }
        return new Verdict(true, expected, 0, "", notes);
    }

    private static LogRecord parse(byte[] line) {
        return SecureLog.parseOrNull(new String(line, StandardCharsets.UTF_8));
    }

    private static boolean signedBy(PublicKey key, long seq, String hash, String signature) {
        if (signature == null) {
            return false;
        }
        try {
            return LogKey.verify(key, SecureLog.Tip.signed(seq, hash), Base64.getDecoder().decode(signature));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private static Verdict bad(long records, long line, String reason, List<String> notes) {
        return new Verdict(false, records, line, reason, notes);
    }
}
