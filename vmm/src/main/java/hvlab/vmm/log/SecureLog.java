package hvlab.vmm.log;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A host's secure log (paper IV.C.4): every VMM event, appended, hash-chained, signed, kept in the
 * host's store outside every VM, where no guest can reach it.
 *
 * <p>On disk, in {@code log/}: {@code secure.log}, one JSON record a line ({@link LogRecord});
 * every {@link #CHECKPOINT_EVERY} records a {@code checkpoint} record carrying a signature over
 * the chain so far, so the signatures live inside the log itself; and {@code tip.json}, the
 * newest record's number and hash, signed after every append, so that cutting records off the end
 * shows too (a chain alone cannot tell a truncated log from a short one).
 *
 * <p>A crash can stop the process in the middle of a line. The next open does not drop that torn
 * line, and does not pretend it is a record: it ends the line and appends a {@code torn} record
 * with the torn bytes' length and hash, so the verifier accepts exactly those bytes, and says so.
 * Likewise records written just before a crash but not yet covered by the tip are named in a
 * {@code recovered} record before the tip is signed again.
 */
public final class SecureLog implements AutoCloseable {
    public static final String FOLDER = "log";
    public static final String FILE = "secure.log";
    public static final String TIP = "tip.json";
    public static final int CHECKPOINT_EVERY = 64;
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The signed newest record: its number and hash. */
    record Tip(long seq, String hash, String signature) {
        static byte[] signed(long seq, String hash) {
            return (seq + ":" + hash).getBytes(StandardCharsets.UTF_8);
        }
    }

    private final Path folder;
    private final String host;
    private final LogSigner signer;
    private final Clock clock;
    private final FileChannel file;
    /** One per log file in this JVM: a file lock is per process, so threads of one process take this first. */
    private final Object monitor;
    private long knownLength;
    private long nextSeq;
    private String lastHash = LogRecord.GENESIS;

    private SecureLog(Path folder, String host, LogSigner signer, Clock clock, FileChannel file) {
        this.folder = folder;
        this.host = host;
        this.signer = signer;
        this.clock = clock;
        this.file = file;
        this.monitor = MONITORS.computeIfAbsent(folder.toAbsolutePath().normalize(), f -> new Object());
    }

    private static final java.util.concurrent.ConcurrentMap<Path, Object> MONITORS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Opens the log in {@code storeRoot}/log (made on first use) with the host's key there, sealed by {@code tpm} if not null. */
    public static SecureLog open(Path storeRoot, String host, hvlab.vmm.tpm.Tpm tpm) throws IOException {
        Path folder = storeRoot.resolve(FOLDER);
        return open(folder, host, LogKey.openOrCreate(folder, tpm), Clock.systemUTC());
    }

    static SecureLog open(Path folder, String host, LogSigner signer, Clock clock) throws IOException {
        Files.createDirectories(folder);
        Path path = folder.resolve(FILE);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        SecureLog log = new SecureLog(folder, host, signer, clock, channel);
        synchronized (log.monitor) {
            try (FileLock ignored = channel.lock()) {
                log.resume(Files.readAllBytes(path));
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        return log;
    }

    public Path folder() {
        return folder;
    }

    /**
     * Appends one event; returns it as written. Another process may keep a host on the same store
     * ({@code hv vm list} beside a running {@code hv shell}): the file is locked for the append,
     * and if it grew since this process last wrote, the chain continues from its real end.
     */
    public LogRecord append(String vm, String kind, String actor, Map<String, String> details) {
        synchronized (monitor) {
            try (FileLock ignored = file.lock()) {
                if (file.size() != knownLength) {
                    resume(Files.readAllBytes(folder.resolve(FILE)));
                }
                LogRecord record = write(vm, kind, actor, details);
                if (nextSeq % CHECKPOINT_EVERY == CHECKPOINT_EVERY - 1) {
                    write("", "checkpoint", "host", Map.of("signature", sign(nextSeq - 1, lastHash)));
                }
                writeTip();
                return record;
            } catch (IOException e) {
                throw new IllegalStateException("cannot append to the secure log in " + folder + ": " + e.getMessage(), e);
            }
        }
    }

    /** The records, oldest first (for {@code log show}); lines that are not records are skipped here, and named by verify. */
    public static List<LogRecord> read(Path storeRoot) throws IOException {
        Path path = storeRoot.resolve(FOLDER).resolve(FILE);
        if (!Files.exists(path)) {
            return List.of();
        }
        return Files.readString(path, StandardCharsets.UTF_8).lines().map(SecureLog::parseOrNull)
                .filter(r -> r != null).toList();
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }

    /** Finds where the chain ends; reports a torn last line and records the tip did not cover. */
    private void resume(byte[] existing) throws IOException {
        knownLength = existing.length;
        nextSeq = 0;
        lastHash = LogRecord.GENESIS;
        int end = lastLineEnd(existing);
        for (byte[] line : lines(existing, end)) {
            LogRecord record = parseOrNull(new String(line, StandardCharsets.UTF_8));
            if (record != null) {
                nextSeq = record.seq() + 1;
                lastHash = record.hash();
            }
        }
        if (end < existing.length) {
            byte[] torn = Arrays.copyOfRange(existing, end, existing.length);
            writeBytes("\n".getBytes(StandardCharsets.UTF_8));
            write("", "torn", "host", Map.of("bytes", Integer.toString(torn.length), "sha256", sha256(torn),
                    "why", "a record was cut short: the process stopped while writing it"));
        }
        Tip tip = readTip(folder);
        if (nextSeq > 0 && (tip == null || tip.seq() != nextSeq - 1 || !tip.hash().equals(lastHash))) {
            long from = tip == null ? 0 : tip.seq() + 1;
            write("", "recovered", "host", Map.of("from", Long.toString(from), "to", Long.toString(nextSeq - 1),
                    "why", "records written before the process stopped, not yet covered by the signed tip"));
        }
        if (nextSeq > 0) {
            writeTip();
        }
    }

    /** The complete lines in the first {@code end} bytes, as bytes (a torn line may not be whole UTF-8). */
    static List<byte[]> lines(byte[] bytes, int end) {
        List<byte[]> lines = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i < end; i++) {
            if (bytes[i] == '\n') {
                lines.add(Arrays.copyOfRange(bytes, start, i));
                start = i + 1;
            }
        }
        return lines;
    }

    /** Where the last complete line ends: just after the last newline (0 if there is none). */
    static int lastLineEnd(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private LogRecord write(String vm, String kind, String actor, Map<String, String> details) throws IOException {
        LogRecord record = LogRecord.next(nextSeq, clock.instant(), host, vm, kind, actor, details, lastHash);
        writeBytes((JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8));
        file.force(false);
        nextSeq++;
        lastHash = record.hash();
        return record;
    }

    private void writeBytes(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            knownLength += file.write(buffer);
        }
    }

    private void writeTip() throws IOException {
        Tip tip = new Tip(nextSeq - 1, lastHash, sign(nextSeq - 1, lastHash));
        Path temp = folder.resolve("." + TIP + ".new");
        Files.write(temp, JSON.writeValueAsBytes(tip));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, folder.resolve(TIP), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private String sign(long seq, String hash) {
        return Base64.getEncoder().encodeToString(signer.sign(Tip.signed(seq, hash)));
    }

    static Tip readTip(Path folder) {
        try {
            return JSON.readValue(folder.resolve(TIP).toFile(), Tip.class);
        } catch (IOException missingOrDamaged) {
            return null;
        }
    }

    static LogRecord parseOrNull(String line) {
        try {
            LogRecord record = JSON.readValue(line, LogRecord.class);
            return record.hash() == null || record.prev() == null || record.time() == null ? null : record;
        } catch (IOException | RuntimeException notARecord) {
            return null;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
