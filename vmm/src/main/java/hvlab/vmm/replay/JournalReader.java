package hvlab.vmm.replay;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a recording written by {@link JournalWriter}, trusting nothing in it: a file that is not
 * a recording, an unknown event, a length past what any input could be, a block count that runs
 * backwards or overflows are all refused with the event's number. A file cut off in the middle
 * of an event (the process died while writing) is read up to the last whole event and reported
 * as incomplete, never silently taken as a whole run.
 */
public final class JournalReader {
    /** More serial input than this in one event is not something the VMM ever records. */
    static final int MAX_INPUT = 1 << 20;

    private JournalReader() { }

    public static Recording read(InputStream source) throws JournalFormatException, IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(source, 1 << 16));
        RecordingHeader header;
        try {
            byte[] magic = in.readNBytes(4);
            if (!Arrays.equals(magic, JournalWriter.MAGIC)) {
                throw new JournalFormatException("not an hvlab recording (no HVRJ at its start)");
            }
            int version = in.readUnsignedByte();
            if (version != JournalWriter.VERSION) {
                throw new JournalFormatException("recording version " + version + " is not supported (this hvlab reads version "
                        + JournalWriter.VERSION + ")");
            }
            header = new RecordingHeader(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), in.readUTF(),
                    in.readUnsignedByte() != 0, in.readLong(), in.readUTF(), in.readLong());
        } catch (EOFException | UTFDataFormatException e) {
            throw new JournalFormatException("the recording's header is cut off or damaged");
        }
        if (header.memoryBytes() <= 0) {
            throw new JournalFormatException("the recording's header names no RAM size");
        }
        List<JournalEvent> events = new ArrayList<>();
        long blocks = 0;
        while (true) {
            int tag = in.read();
            if (tag < 0) {
                return new Recording(header, events, false, "the recording has no end record: it was cut off after "
                        + events.size() + " events (the recording VM may still run, or its process died)");
            }
            int n = events.size() + 1;
            try {
                long delta = readVarLong(in, n);
                if (blocks + delta < blocks) {
                    throw new JournalFormatException("event " + n + ": the block count overflows");
                }
                blocks += delta;
                ReplayPoint at = new ReplayPoint(blocks, Integer.toUnsignedLong(in.readInt()));
                JournalEvent event = switch (tag) {
                    case JournalWriter.CLOCK -> {
                        long nanos = readVarLong(in, n);
                        if (nanos <= 0) throw new JournalFormatException("event " + n + ": the clock does not move");
                        yield new JournalEvent.ClockAdvanced(at, nanos);
                    }
                    case JournalWriter.INTERRUPT -> new JournalEvent.InterruptDelivered(at, in.readUnsignedByte(), in.readLong());
                    case JournalWriter.SERIAL -> {
                        long length = readVarLong(in, n);
                        if (length <= 0 || length > MAX_INPUT) {
                            throw new JournalFormatException("event " + n + ": serial input of " + length + " bytes");
                        }
                        byte[] bytes = in.readNBytes((int) length);
                        if (bytes.length != length) throw new EOFException();
                        yield new JournalEvent.SerialInput(at, bytes);
                    }
                    case JournalWriter.POWER -> new JournalEvent.PowerButton(at);
                    case JournalWriter.TRUNCATED -> new JournalEvent.Truncated(at, in.readUTF());
                    case JournalWriter.END -> new JournalEvent.Ended(at,
                            new MachineFingerprint(in.readLong(), in.readUTF(), in.readUTF()), in.readUTF());
                    default -> throw new JournalFormatException("event " + n + ": unknown kind " + tag);
                };
                events.add(event);
                if (event instanceof JournalEvent.Ended || event instanceof JournalEvent.Truncated) {
                    if (in.read() >= 0) {
                        throw new JournalFormatException("bytes follow the recording's end record");
                    }
                    return event instanceof JournalEvent.Truncated t
                            ? new Recording(header, events, false, "the recording was cut short: " + t.why())
                            : new Recording(header, events, true, null);
                }
            } catch (EOFException | UTFDataFormatException torn) {
                return new Recording(header, events, false, "the recording is torn: event " + n
                        + " was cut off while it was written; the " + events.size() + " events before it are whole");
            }
        }
    }

    private static long readVarLong(DataInputStream in, int event) throws IOException, JournalFormatException {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (value < 0) break;
                return value;
            }
        }
        throw new JournalFormatException("event " + event + ": a number longer than 63 bits");
    }
}
