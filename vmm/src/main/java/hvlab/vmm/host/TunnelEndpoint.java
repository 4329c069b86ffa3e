package hvlab.vmm.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Where tunnels between hosts' switches begin: a listener that accepts them, and the connecting
 * side. Both ends first say who they are, one line: {@code HVTUN1 <host name>}; then frames
 * follow ({@link hvlab.vmm.network.TunnelFrame}). Like VXLAN, the tunnel itself proves nothing
 * about its far end: run it between hosts that trust their network (or inside the datacenter's
 * TLS, as migration does); port security still drops frames that claim a local VM's address.
 */
final class TunnelEndpoint implements AutoCloseable {
    static final String HELLO = "HVTUN1 ";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,40}");
    private static final int HELLO_TIMEOUT_MILLIS = 5_000;

    private final ServerSocket server;

    /** Listens on {@code port} (0: any free one) of {@code address}; each accepted tunnel goes to {@code accepted}, named. */
    TunnelEndpoint(String address, int port, String self, BiConsumer<String, Socket> accepted) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(address, port));
        Thread.ofVirtual().name("tunnel-listener").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try {
                            String peer = greet(socket, self);
                            accepted.accept(peer, socket);
                        } catch (IOException e) {
                            closeQuietly(socket); // not a tunnel, or it said nothing in time: drop it
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connects to a listening host; returns its name and the socket, past the greeting. */
    static Socket connect(String host, int port, String self, String[] peerName) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), HELLO_TIMEOUT_MILLIS);
            peerName[0] = greet(socket, self);
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** Says who we are and reads who the far side is, with a time limit; the name is checked. */
    static String greet(Socket socket, String self) throws IOException {
        socket.setSoTimeout(HELLO_TIMEOUT_MILLIS);
        OutputStream out = socket.getOutputStream();
        out.write((HELLO + self + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0 || line.length() > HELLO.length() + 40) {
                throw new IOException("the far side did not introduce itself as a tunnel");
            }
            line.append((char) b);
        }
        String text = line.toString();
        if (!text.startsWith(HELLO) || !NAME.matcher(text.substring(HELLO.length())).matches()) {
            throw new IOException("the far side did not introduce itself as a tunnel");
        }
        socket.setSoTimeout(0);
        return text.substring(HELLO.length());
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
