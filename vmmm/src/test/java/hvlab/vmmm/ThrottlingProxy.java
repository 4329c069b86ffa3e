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
 * A real TCP relay on loopback that carries at most {@code bytesPerSecond} towards the target (the
 * answers go back at full speed): a slow link between two hosts, as a WAN or a congested uplink is.
 * It passes every byte unchanged, only late; over TLS it could do no more.
 */
public final class ThrottlingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final long bytesPerSecond;
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong sleptMillis = new AtomicLong();

    public ThrottlingProxy(InetSocketAddress to, long bytesPerSecond) throws IOException {
        this.bytesPerSecond = bytesPerSecond;
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (Socket in = server.accept(); Socket out = new Socket(to.getAddress(), to.getPort())) {
                Thread back = Thread.ofVirtual().start(() -> pump(out, in, false));
                pump(in, out, true);
                back.join();
            } catch (IOException | InterruptedException ignored) {
                // the relay ends with its sockets
            }
        });
    }

    private void pump(Socket from, Socket to, boolean throttled) {
        byte[] buffer = new byte[4096];
        long start = System.nanoTime();
        long sent = 0;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                out.flush();
                if (!throttled) continue;
                sent += n;
                passed.addAndGet(n);
                long due = sent * 1000 / bytesPerSecond - (System.nanoTime() - start) / 1_000_000;
                if (due > 0) {
                    sleptMillis.addAndGet(due);
                    Thread.sleep(due);
                }
            }
        } catch (IOException | InterruptedException ignored) {
            // either side closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** Bytes carried towards the target. */
    public long passed() {
        return passed.get();
    }

    /** How long the relay held bytes back to keep to its rate. */
    public long sleptMillis() {
        return sleptMillis.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
