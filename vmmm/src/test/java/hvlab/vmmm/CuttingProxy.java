package hvlab.vmmm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real TCP relay on loopback between a migration's source and target that, once it has passed
 * {@code cutAfter} bytes towards the target, runs {@code atCut} (kill the target, say) and closes
 * both sockets: a link that drops, or a target that dies, in the middle of the stream.
 */
public final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicLong passed = new AtomicLong();

    public CuttingProxy(InetSocketAddress to, long cutAfter, Runnable atCut) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (Socket in = server.accept(); Socket out = new Socket(to.getAddress(), to.getPort())) {
                Thread back = Thread.ofVirtual().start(() -> pump(out, in, Long.MAX_VALUE, () -> { }));
                pump(in, out, cutAfter, atCut);
                back.interrupt();
            } catch (IOException ignored) {
                // the relay ends with its sockets
            }
        });
    }

    private void pump(Socket from, Socket to, long cutAfter, Runnable atCut) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (passed.addAndGet(n) > cutAfter) {
                    atCut.run();
                    from.close();
                    to.close();
                    return;
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException ignored) {
            // either side closed
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    public long passed() {
        return passed.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
