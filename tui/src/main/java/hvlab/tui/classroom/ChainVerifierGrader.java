package hvlab.tui.classroom;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The secure log's verifier, written by the student (paper IV.C.4): {@code ChainVerifier.firstBadRecord}
 * must find the first record of a hash chain that does not verify. The grader compiles the
 * student's class with the JDK's compiler, loads it on its own, and feeds it logs tampered with in
 * each way the log issue names; each call has a deadline, so a loop that never ends fails a check
 * instead of hanging the grader.
 */
final class ChainVerifierGrader implements Grader {
    static final String GENESIS = "0".repeat(64);
    private static final int RECORDS = 10;

    @Override
    public List<Check> grade(Path work) {
        List<Check> checks = new ArrayList<>();
        Method verifier;
        try {
            verifier = compile(work);
        } catch (IllegalStateException e) {
            checks.add(Check.of("ChainVerifier.java compiles", false, e.getMessage()));
            return checks;
        }
        checks.add(Check.pass("ChainVerifier.java compiles"));
        List<String> intact = chain(RECORDS);
        checks.add(expect(verifier, "an intact log verifies", intact, -1));
        checks.add(expect(verifier, "an empty log verifies", List.of(), -1));
        checks.add(expect(verifier, "a record whose text was edited", edit(intact, 4, r -> r.replace("event 4", "event X")), 4));
        checks.add(expect(verifier, "an edited record with its own hash recomputed", rehash(intact, 4), 5));
        List<String> deleted = new ArrayList<>(intact);
        deleted.remove(6);
        checks.add(expect(verifier, "a deleted record", deleted, 6));
        List<String> swapped = new ArrayList<>(intact);
        swapped.set(2, intact.get(3));
        swapped.set(3, intact.get(2));
        checks.add(expect(verifier, "two records swapped", swapped, 2));
        checks.add(expect(verifier, "a line that is not a record", edit(intact, 7, r -> "garbage"), 7));
        return checks;
    }

    private static Check expect(Method verifier, String name, List<String> log, int want) {
        String title = name + ": first bad record " + (want < 0 ? "none (-1)" : want);
        try {
            Object got = StudentJava.call(verifier, List.copyOf(log));
            return Check.of(title, Integer.valueOf(want).equals(got), "your verifier said " + got);
        } catch (StudentJava.NoAnswer e) {
            return Check.of(title, false, "your verifier " + e.getMessage());
        }
    }

    /** A log of {@code n} records: "index;previous;text;hash", each hash SHA-256 of "index;previous;text". */
    static List<String> chain(int n) {
        List<String> records = new ArrayList<>();
        String previous = GENESIS;
        for (int i = 0; i < n; i++) {
            String body = i + ";" + previous + ";event " + i + " of the VMM";
            previous = sha256(body);
            records.add(body + ";" + previous);
        }
        return records;
    }

    private static List<String> edit(List<String> log, int at, UnaryOperator<String> change) {
        List<String> copy = new ArrayList<>(log);
        copy.set(at, change.apply(copy.get(at)));
        return copy;
    }

    /** Record {@code at} edited and re-hashed, so it verifies alone: only the next record's link gives it away. */
    private static List<String> rehash(List<String> log, int at) {
        String[] fields = log.get(at).split(";");
        String body = fields[0] + ";" + fields[1] + ";event 4 (rewritten)";
        return edit(log, at, r -> body + ";" + sha256(body));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Method compile(Path work) {
        return StudentJava.method(StudentJava.compile(work, "ChainVerifier"), "firstBadRecord", List.class);
    }
}
