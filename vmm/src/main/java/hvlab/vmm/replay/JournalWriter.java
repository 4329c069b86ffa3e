package hvlab.vmm.replay;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a recording: a header, then one compact record per event. Block counts are stored as
 * the difference from the previous event's, in a variable-length encoding, so a busy guest's
 * journal grows by a few bytes per event (the log size per second is one of ReVirt's figures).
 *
 * <pre>
 *   "HVRJ" u8 version=1
 *   header: utf guest, utf image sha256, utf mode, i64 RAM bytes, utf disk sha256, u8 reinject,
 *           i64 RTC seconds, utf generation ID, i64 started (ms since 1970)
 *   event*: u8 tag, varint block delta, i32 EIP, payload
 *     1 clock      varint nanos
 *     2 interrupt  u8 vector, i64 register hash
 *     3 serial     varint length, bytes
 *     4 power      -
 *     5 end        i64 register hash, utf memory sha256, utf console sha256, utf why
 *     6 truncated  utf why
 * </pre>
 */
public final class JournalWriter implements Journal, AutoCloseable {
    static final byte[] MAGIC = "HVRJ".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int CLOCK = 1, INTERRUPT = 2, SERIAL = 3, POWER = 4, END = 5, TRUNCATED = 6;

    private final DataOutputStream out;
    private long lastBlocks;
    private long events;
    private String failure;
    private boolean ended;

    public JournalWriter(OutputStream sink, RecordingHeader header) throws IOException {
        out = new DataOutputStream(new BufferedOutputStream(sink, 1 << 16));
        out.write(MAGIC);
        out.writeByte(VERSION);
        out.writeUTF(header.guest());
        out.writeUTF(header.imageSha256());
        out.writeUTF(header.mode());
        out.writeLong(header.memoryBytes());
        out.writeUTF(header.diskSha256());
        out.writeByte(header.reinjectLostTicks() ? 1 : 0);
        out.writeLong(header.rtcEpochSeconds());
        out.writeUTF(header.generationId());
        out.writeLong(header.startedEpochMillis());
    }

    @Override
    public void record(JournalEvent event) {
        if (failure != null || ended) {
            return;
        }
        try {
            write(event);
            events++;
            if (event instanceof JournalEvent.Ended || event instanceof JournalEvent.Truncated) {
                ended = true;
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            failure = "the recording could not be written: " + e.getMessage();
        }
    }

    private void write(JournalEvent event) throws IOException {
        long delta = Math.max(0, event.at().blocks() - lastBlocks);
        out.writeByte(switch (event) {
            case JournalEvent.ClockAdvanced c -> CLOCK;
            case JournalEvent.InterruptDelivered i -> INTERRUPT;
            case JournalEvent.SerialInput s -> SERIAL;
            case JournalEvent.PowerButton p -> POWER;
            case JournalEvent.Ended e -> END;
            case JournalEvent.Truncated t -> TRUNCATED;
        });
        writeVarLong(delta);
        out.writeInt((int) event.at().eip());
        lastBlocks = event.at().blocks();
        switch (event) {
            case JournalEvent.ClockAdvanced c -> writeVarLong(c.nanos());
            case JournalEvent.InterruptDelivered i -> {
                out.writeByte(i.vector());
                out.writeLong(i.registers());
            }
            case JournalEvent.SerialInput s -> {
                byte[] bytes = s.bytes();
                writeVarLong(bytes.length);
                out.write(bytes);
            }
            case JournalEvent.PowerButton p -> { }
            case JournalEvent.Ended e -> {
                out.writeLong(e.fingerprint().registers());
                out.writeUTF(e.fingerprint().memorySha256());
                out.writeUTF(e.fingerprint().consoleSha256());
                out.writeUTF(e.why());
            }
            case JournalEvent.Truncated t -> out.writeUTF(t.why());
        }
    }

    private void writeVarLong(long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    @Override
    public String failure() {
        return failure;
    }

    /** Events written so far. */
    public long events() {
        return events;
    }

    /** Bytes of the recording so far (some may still wait in the buffer). */
    public long bytesWritten() {
        return Integer.toUnsignedLong(out.size());
    }

    public boolean ended() {
        return ended;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
