package hvlab.vmmm.protocol;

import hvlab.vmmm.protocol.Message.*;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages to bytes and back. Each field is written big-endian; a string or a byte array is a
 * 32-bit length and its bytes; a list is a count and its items. The reader trusts nothing: every
 * length is checked against the bytes that are actually left in the frame before anything is
 * allocated, so a hostile length cannot make it allocate more than the frame it already holds
 * (which {@link Frames} limited), and a frame with bytes left over is refused too.
 */
public final class Codec {
    public static final int VERSION = 1;
    public static final int PAGE = 4096;
    /** The most pages one {@link Pages} message carries: 1 MiB of RAM. */
    public static final int MAX_PAGES_PER_MESSAGE = 256;
    /** The most items in any list. */
    static final int MAX_LIST = 100_000;
    /** The most a {@link DiskChunk} carries (a migration sends disks in 1 MiB pieces). */
    public static final int MAX_DISK_CHUNK = 1 << 20;

    private Codec() {}

    /** The one-byte type of each message on the wire. */
    public static int type(Message message) {
        return switch (message) {
            case Hello h -> 1;
            case QuoteRequest q -> 2;
            case QuoteReply q -> 3;
            case Call c -> 4;
            case Result r -> 5;
            case Migrate m -> 6;
            case Progress p -> 7;
            case Offer o -> 8;
            case Accept a -> 9;
            case Pages p -> 10;
            case Finish f -> 11;
            case Ready r -> 12;
            case Commit c -> 13;
            case Running r -> 14;
            case Failure f -> 15;
            case DiskOffer d -> 16;
            case DiskChunk d -> 17;
            case VtpmKey k -> 18;
            case VtpmState v -> 19;
            // replication: numbered apart, so that other new messages can take 16 on
            case ReplicaOffer o -> 40;
            case Checkpoint c -> 41;
            case CheckpointAck a -> 42;
            case Heartbeat h -> 43;
        };
    }

    public static byte[] encode(Message message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            switch (message) {
                case Hello h -> { str(out, h.role()); str(out, h.name()); out.writeInt(h.version()); }
                case QuoteRequest q -> bin(out, q.nonce());
                case QuoteReply q -> { bin(out, q.evidenceJson()); bin(out, q.manufacturerKey()); }
                case Call c -> { str(out, c.command()); strs(out, c.args()); }
                case Result r -> { out.writeBoolean(r.ok()); str(out, r.text()); }
                case Migrate m -> {
                    str(out, m.vm()); str(out, m.target()); str(out, m.address()); out.writeBoolean(m.insecure());
                    MigrationLimits l = m.limits();
                    out.writeInt(l.maxRounds()); out.writeInt(l.stopAtPages()); out.writeLong(l.maxMillis()); out.writeLong(l.linkBytesPerSecond());
                }
                case Progress p -> {
                    str(out, p.phase()); out.writeInt(p.round()); out.writeInt(p.pages()); out.writeLong(p.bytes());
                    out.writeLong(p.roundMicros()); out.writeDouble(p.dirtyPagesPerSecond()); out.writeLong(p.estimatedDowntimeMicros());
                }
                case Offer o -> { str(out, o.from()); bin(out, o.definitionJson()); bin(out, o.image()); strs(out, o.locations()); strs(out, o.allowedHosts()); strs(out, o.history()); }
                case Accept a -> { }
                case Pages p -> {
                    if (p.numbers().length > MAX_PAGES_PER_MESSAGE || p.data().length != p.numbers().length * PAGE) {
                        throw new IllegalArgumentException("a Pages message holds 0 to " + MAX_PAGES_PER_MESSAGE + " whole pages");
                    }
                    out.writeInt(p.round()); out.writeInt(p.numbers().length);
                    for (int n : p.numbers()) out.writeInt(n);
                    out.write(p.data());
                }
                case Finish f -> { bin(out, f.machine()); strs(out, f.history()); }
                case Ready r -> { }
                case Commit c -> { }
                case Running r -> str(out, r.host());
                case Failure f -> str(out, f.reason());
                case DiskOffer d -> out.writeLong(d.bytes());
                case DiskChunk d -> {
                    if (d.data().length > MAX_DISK_CHUNK) {
                        throw new IllegalArgumentException("a disk chunk holds at most " + MAX_DISK_CHUNK + " bytes");
                    }
                    out.writeLong(d.offset()); bin(out, d.data());
                }
                case VtpmKey k -> bin(out, k.importKeyJson());
                case VtpmState v -> bin(out, v.sealed());
                case ReplicaOffer o -> {
                    str(out, o.from()); bin(out, o.definitionJson()); bin(out, o.image()); strs(out, o.allowedHosts());
                    strs(out, o.locations()); strs(out, o.history()); out.writeInt(o.epochMillis());
                }
                case Checkpoint c -> { out.writeInt(c.epoch()); out.writeInt(c.pages()); out.writeLong(c.consoleTotal()); bin(out, c.machine()); }
                case CheckpointAck a -> out.writeInt(a.epoch());
                case Heartbeat h -> { }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** The message of type {@code type} in {@code payload}, every byte of it. */
    public static Message decode(int type, byte[] payload) throws ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            Message message = switch (type) {
                case 1 -> new Hello(str(in), str(in), in.getInt());
                case 2 -> new QuoteRequest(bin(in));
                case 3 -> new QuoteReply(bin(in), bin(in));
                case 4 -> new Call(str(in), strs(in));
                case 5 -> new Result(bool(in), str(in));
                case 6 -> new Migrate(str(in), str(in), str(in), bool(in), limits(in));
                case 7 -> new Progress(str(in), in.getInt(), in.getInt(), in.getLong(), in.getLong(), in.getDouble(), in.getLong());
                case 8 -> new Offer(str(in), bin(in), bin(in), strs(in), strs(in), strs(in));
                case 9 -> new Accept();
                case 10 -> pages(in);
                case 11 -> new Finish(bin(in), strs(in));
                case 12 -> new Ready();
                case 13 -> new Commit();
                case 14 -> new Running(str(in));
                case 15 -> new Failure(str(in));
                case 16 -> new DiskOffer(in.getLong());
                case 17 -> new DiskChunk(in.getLong(), bin(in));
                case 18 -> new VtpmKey(bin(in));
                case 19 -> new VtpmState(bin(in));
                case 40 -> new ReplicaOffer(str(in), bin(in), bin(in), strs(in), strs(in), strs(in), in.getInt());
                case 41 -> new Checkpoint(in.getInt(), in.getInt(), in.getLong(), bin(in));
                case 42 -> new CheckpointAck(in.getInt());
                case 43 -> new Heartbeat();
                default -> throw new ProtocolException("unknown message type " + type);
            };
            if (in.hasRemaining()) {
                throw new ProtocolException("message type " + type + " has " + in.remaining() + " bytes too many");
            }
            return message;
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("message type " + type + " is cut short");
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("message type " + type + ": " + e.getMessage());
        }
    }

    private static MigrationLimits limits(ByteBuffer in) {
        return new MigrationLimits(in.getInt(), in.getInt(), in.getLong(), in.getLong());
    }

    private static Pages pages(ByteBuffer in) throws ProtocolException {
        int round = in.getInt();
        int count = in.getInt();
        if (count < 0 || count > MAX_PAGES_PER_MESSAGE) {
            throw new ProtocolException("a Pages message with " + count + " pages (at most " + MAX_PAGES_PER_MESSAGE + ")");
        }
        if ((long) count * (4 + PAGE) != in.remaining()) {
            throw new ProtocolException("a Pages message of " + count + " pages with " + in.remaining() + " bytes");
        }
        int[] numbers = new int[count];
        for (int i = 0; i < count; i++) numbers[i] = in.getInt();
        byte[] data = new byte[count * PAGE];
        in.get(data);
        return new Pages(round, numbers, data);
    }

    private static boolean bool(ByteBuffer in) throws ProtocolException {
        byte b = in.get();
        if (b != 0 && b != 1) throw new ProtocolException("a boolean that is " + b);
        return b == 1;
    }

    private static void bin(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static void str(DataOutputStream out, String text) throws IOException {
        bin(out, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void strs(DataOutputStream out, List<String> items) throws IOException {
        out.writeInt(items.size());
        for (String item : items) str(out, item);
    }

    private static byte[] bin(ByteBuffer in) throws ProtocolException {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new ProtocolException("a field of " + length + " bytes where " + in.remaining() + " are left");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static String str(ByteBuffer in) throws ProtocolException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bin(in))).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("a string that is not UTF-8");
        }
    }

    private static List<String> strs(ByteBuffer in) throws ProtocolException {
        int count = in.getInt();
        // each item takes at least its 4-byte length: a count the frame cannot hold is a lie
        if (count < 0 || count > MAX_LIST || (long) count * 4 > in.remaining()) {
            throw new ProtocolException("a list of " + count + " items where " + in.remaining() + " bytes are left");
        }
        List<String> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) items.add(str(in));
        return List.copyOf(items);
    }
}
