package hvlab.vmmm;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A man in the middle of a plaintext migration (the {@code --insecure} port) that reads the stream
 * frame by frame in both directions and passes each on, except frames of type {@code type}, whose
 * payload it replaces with {@code rewrite}'s: an attacker on the wire who can change whatever he
 * likes, in the protocol's own framing.
 */
public final class FrameRelay implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger rewritten = new AtomicInteger();

    public FrameRelay(InetSocketAddress to, int type, UnaryOperator<byte[]> rewrite) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (Socket in = server.accept(); Socket out = new Socket(to.getAddress(), to.getPort())) {
                Thread back = Thread.ofVirtual().start(() -> pump(out, in, type, rewrite));
                pump(in, out, type, rewrite);
                back.join(10_000);
            } catch (IOException | InterruptedException ignored) {
                // the relay ends with its sockets
            }
        });
    }

    private void pump(Socket from, Socket to, int type, UnaryOperator<byte[]> rewrite) {
        try (DataInputStream in = new DataInputStream(from.getInputStream()); OutputStream out = to.getOutputStream()) {
            while (true) {
                int magic = in.read();
                int kind = in.read();
                if (magic < 0 || kind < 0) return;
                byte[] payload = in.readNBytes(in.readInt());
                if (kind == type) {
                    payload = rewrite.apply(payload);
                    rewritten.incrementAndGet();
                }
                out.write(new byte[] {(byte) magic, (byte) kind, (byte) (payload.length >>> 24), (byte) (payload.length >>> 16),
                        (byte) (payload.length >>> 8), (byte) payload.length});
                out.write(payload);
                out.flush();
            }
        } catch (IOException ignored) {
            // either side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** How many frames were rewritten. */
    public int rewritten() {
        return rewritten.get();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
