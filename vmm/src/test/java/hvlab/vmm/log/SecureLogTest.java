package hvlab.vmm.log;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Each kind of tampering the issue names, done to a real log file, and the line the verifier names. */
class SecureLogTest {
    @TempDir
    Path store;
    Path folder;
    Path file;

    @BeforeEach
    void write150Records() throws Exception {
        folder = store.resolve(SecureLog.FOLDER);
        Clock clock = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
        try (SecureLog log = SecureLog.open(folder, "h1", LogKey.openOrCreate(folder), clock)) {
            for (int i = 0; i < 148; i++) {
                log.append("vm" + (i % 3), "lifecycle", "alice", Map.of("from", "defined", "to", "running", "n", Integer.toString(i)));
            }
        }
        file = folder.resolve(SecureLog.FILE);
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private void rewrite(List<String> lines) throws Exception {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private LogVerifier.Verdict verify() throws Exception {
        return LogVerifier.verify(store);
    }

    private void assertTampered(long line, String reason) throws Exception {
        LogVerifier.Verdict verdict = verify();
        assertFalse(verdict.ok(), verdict.summary());
        assertEquals(line, verdict.firstBadLine(), verdict.summary());
        assertTrue(verdict.reason().contains(reason), verdict.summary());
    }

    @Test
    void anUntouchedLogVerifiesWithItsCheckpoints() throws Exception {
        LogVerifier.Verdict verdict = verify();
        assertTrue(verdict.ok(), verdict.summary());
        assertEquals(150, verdict.records(), "148 events and two checkpoints (records 63 and 127)");
        assertEquals(2, SecureLog.read(store).stream().filter(r -> r.kind().equals("checkpoint")).count());
    }

    @Test
    void anEditIsNamed() throws Exception {
        List<String> lines = lines();
        lines.set(9, lines.get(9).replace("alice", "mallory"));
        rewrite(lines);
        assertTampered(10, "was edited");
    }

    @Test
    void anEditWithItsHashRecomputedBreaksTheNextLink() throws Exception {
        List<String> lines = lines();
        LogRecord r = SecureLog.parseOrNull(lines.get(9));
        LogRecord forged = LogRecord.next(r.seq(), r.time(), r.host(), r.vm(), r.kind(), "mallory", r.details(), r.prev());
        lines.set(9, SecureLog.JSON.writeValueAsString(forged));
        rewrite(lines);
        assertTampered(11, "does not follow");
    }

    @Test
    void aRewriteOfTheWholeRestIsCaughtByTheSignatures() throws Exception {
        List<String> lines = lines();
        String prev = SecureLog.parseOrNull(lines.get(8)).hash();
        for (int i = 9; i < lines.size(); i++) {
            LogRecord r = SecureLog.parseOrNull(lines.get(i));
            LogRecord forged = LogRecord.next(r.seq(), r.time(), r.host(), r.vm(), r.kind(), i == 9 ? "mallory" : r.actor(),
                    r.details(), prev);
            lines.set(i, SecureLog.JSON.writeValueAsString(forged));
            prev = forged.hash();
        }
        rewrite(lines);
        assertTampered(64, "not signed by this host's key");
    }

    @Test
    void aDeletionAnInsertionAReorderingAndATruncationAreEachNamed() throws Exception {
        List<String> original = lines();

        List<String> deleted = new ArrayList<>(original);
        deleted.remove(19);
        rewrite(deleted);
        assertTampered(20, "deleted");

        List<String> inserted = new ArrayList<>(original);
        inserted.add(5, original.get(4));
        rewrite(inserted);
        assertTampered(6, "inserted or reordered");

        List<String> reordered = new ArrayList<>(original);
        reordered.set(29, original.get(30));
        reordered.set(30, original.get(29));
        rewrite(reordered);
        assertTampered(30, "reordered");

        rewrite(original.subList(0, original.size() - 5));
        assertTampered(145, "cut off the end");

        rewrite(original);
        assertTrue(verify().ok());
    }

    @Test
    void aRecordTornByACrashIsReportedNeverDroppedOrAccepted() throws Exception {
        Files.writeString(file, "{\"seq\":150,\"time\":\"2026-11-30T12:0", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        assertTampered(151, "cut short");
        try (SecureLog log = SecureLog.open(folder, "h1", LogKey.openOrCreate(folder), Clock.systemUTC())) {
            log.append("vm1", "lifecycle", "bob", Map.of());
        }
        LogVerifier.Verdict verdict = verify();
        assertTrue(verdict.ok(), verdict.summary());
        assertTrue(verdict.summary().contains("torn by a crash"), verdict.summary());
        List<LogRecord> records = SecureLog.read(store);
        assertEquals("torn", records.get(150).kind());
        assertEquals("bob", records.getLast().actor());
    }

    @Test
    void aForeignKeyCannotSignTheTip() throws Exception {
        Path elsewhere = store.resolve("other");
        LogKey other = LogKey.openOrCreate(elsewhere);
        Files.copy(elsewhere.resolve(LogKey.PUBLIC), folder.resolve(LogKey.PUBLIC), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertNotNull(other);
        LogVerifier.Verdict verdict = verify();
        assertFalse(verdict.ok());
        assertTrue(verdict.reason().contains("not signed by this host's key"), verdict.summary());
    }

    @Test
    void withATpmThePrivateKeyIsOnlyASealedBlobThatTheTpmOpens() throws Exception {
        Path sealedFolder = store.resolve("with-tpm");
        hvlab.vmm.tpm.Tpm tpm = hvlab.vmm.tpm.Installation.open(store.resolve("s1")).hostTpm("h1");
        LogKey key = LogKey.openOrCreate(sealedFolder, tpm);
        assertFalse(Files.exists(sealedFolder.resolve(LogKey.PRIVATE)), "no private key in the clear");
        assertTrue(Files.exists(sealedFolder.resolve(LogKey.SEALED)));
        byte[] signed = key.sign(new byte[] {1, 2, 3});
        LogKey again = LogKey.openOrCreate(sealedFolder, tpm);
        assertTrue(LogKey.verify(again.publicKey(), new byte[] {1, 2, 3}, signed), "the same key after a reopen");
        hvlab.vmm.tpm.Tpm other = hvlab.vmm.tpm.Installation.open(store.resolve("s2")).hostTpm("h2");
        java.io.IOException refused = assertThrows(java.io.IOException.class, () -> LogKey.openOrCreate(sealedFolder, other));
        assertTrue(refused.getMessage().contains("will not unseal"), refused.getMessage());
    }
}
