package hvlab.tui.classroom;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chain-verifier");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Object> call = runner.submit(() -> verifier.invoke(null, List.copyOf(log)));
            Object got = call.get(5, TimeUnit.SECONDS);
            return Check.of(name + ": first bad record " + (want < 0 ? "none (-1)" : want), Integer.valueOf(want).equals(got),
                    "your verifier said " + got);
        } catch (java.util.concurrent.TimeoutException e) {
            return Check.of(name, false, "your verifier did not return within 5 s");
        } catch (Exception e) {
            Throwable cause = e.getCause() != null && e.getCause().getCause() != null ? e.getCause().getCause() : e;
            return Check.of(name, false, "your verifier threw " + cause);
        } finally {
            runner.shutdownNow();
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

    /** Compiles the student's ChainVerifier.java into a scratch folder and finds its method. */
    private static Method compile(Path work) {
        Path source = work.resolve("ChainVerifier.java");
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException("there is no " + source);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("this Java has no compiler (a JDK is needed, not a JRE)");
        }
        try {
            Path classes = Files.createTempDirectory("hvlab-exercise");
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int status = javac.run(null, errors, errors, "-d", classes.toString(), source.toString());
            if (status != 0) {
                throw new IllegalStateException(errors.toString(StandardCharsets.UTF_8).strip());
            }
            URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            return loader.loadClass("ChainVerifier").getMethod("firstBadRecord", List.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ChainVerifier needs 'public static int firstBadRecord(List<String> records)': " + e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot compile: " + e.getMessage());
        }
    }
}
