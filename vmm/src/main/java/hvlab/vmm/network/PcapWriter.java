package hvlab.vmm.network;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes frames in the classic libpcap format that tcpdump and Wireshark read: a 24-byte global
 * header (magic 0xa1b2c3d4, version 2.4, snapshot length, link type 1 = Ethernet), then for each
 * frame a 16-byte record header (seconds, microseconds, captured and original length) and the
 * bytes. The VMM sees every frame its switch carries (paper IV.C.11), so it can record them all
 * without the guests' knowledge.
 */
public final class PcapWriter implements AutoCloseable {
    static final int MAGIC = 0xA1B2C3D4;
    static final int LINKTYPE_ETHERNET = 1;
    static final int SNAPLEN = 65535;

    private final OutputStream out;

    public PcapWriter(OutputStream out) throws IOException {
        this.out = out;
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
        out.write(header.array());
    }

    /** One frame, stamped with {@code epochMicros} (microseconds since 1970). */
    public synchronized void write(EthernetFrame frame, long epochMicros) throws IOException {
        byte[] bytes = frame.bytes();
        ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt((int) (epochMicros / 1_000_000)).putInt((int) (epochMicros % 1_000_000))
                .putInt(bytes.length).putInt(bytes.length);
        out.write(record.array());
        out.write(bytes);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
