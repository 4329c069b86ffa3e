package hvlab.tui.threat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * An eavesdropper on the path: relays one TCP connection both ways and keeps every byte the
 * client sent, so that it can be sent again later on a connection of the attacker's own (a
 * replay). What it keeps is whatever crossed the wire: frames in plaintext, TLS records over TLS.
 */
final class Recorder implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress to;
    private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();

    Recorder(InetSocketAddress to) throws IOException {
        this.to = to;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("hvlab-recorder").start(this::relay);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    synchronized byte[] recorded() {
        return fromClient.toByteArray();
    }

    private void relay() {
        try (Socket client = server.accept(); Socket upstream = new Socket()) {
            upstream.connect(to, 5_000);
            Thread back = Thread.ofVirtual().start(() -> copy(upstream, client, false));
            copy(client, upstream, true);
            back.join(5_000);
        } catch (IOException | InterruptedException e) {
            // the relay ends with the connection
        }
    }

    private void copy(Socket from, Socket to, boolean keep) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (keep) {
                    synchronized (this) {
                        fromClient.write(buffer, 0, n);
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        }
    }

    /** Sends what was recorded to {@code address} on a new connection; what came back, or why nothing did. */
    static String replay(byte[] bytes, InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            byte[] answer = socket.getInputStream().readNBytes(4096);
            return answer.length + " bytes came back";
        } catch (IOException e) {
            return "the connection ended: " + e.getMessage();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
