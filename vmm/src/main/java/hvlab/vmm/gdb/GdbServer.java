package hvlab.vmm.gdb;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Supplier;

/**
 * Listens on a TCP port of the loopback interface only (a debugger reads and writes all of a
 * guest: nobody on the network may reach it) and serves one gdb at a time, each with a fresh
 * {@link DebugTarget} from {@code targets}. Runs until {@link #close}.
 */
public final class GdbServer implements AutoCloseable {
    /** How long a new connection waits for the current session to end before it is turned away. */
    private static final int GRACE_MILLIS = 1000;
    private final ServerSocket socket;
    private final Supplier<DebugTarget> targets;
    private final Thread acceptor;
    private volatile Socket client;
    private volatile boolean closed;

    /**
     * Binds the port now, so a busy port is refused at once. {@code port} 0 takes a free one
     * ({@link #port()} says which).
     *
     * @throws IllegalArgumentException with one line for a port that is busy or out of range
     */
    public GdbServer(int port, Supplier<DebugTarget> targets, String name) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port (0-65535)");
        }
        this.targets = targets;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        } catch (BindException e) {
            throw new IllegalArgumentException("port " + port + " is busy: " + e.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot listen on port " + port + ": " + e.getMessage());
        }
        acceptor = new Thread(this::acceptLoop, "hvlab-gdb-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port gdb connects to. */
    public int port() {
        return socket.getLocalPort();
    }

    public boolean closed() {
        return closed;
    }

    /** Accepts connections; one debugger at a time: a second is closed at once rather than left waiting. */
    private void acceptLoop() {
        while (!closed) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                continue; // closed (the loop ends), or one failed accept
            }
            // A gdb that reconnects may come before the last session has finished leaving: give it a moment.
            for (int waited = 0; client != null && waited < GRACE_MILLIS; waited += 10) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (client != null) {
                closeQuietly(connection);
                continue;
            }
            client = connection;
            Thread session = new Thread(() -> serve(connection), acceptor.getName() + "-session");
            session.setDaemon(true);
            session.start();
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            connection.setTcpNoDelay(true);
            new GdbSession(targets.get(), connection.getOutputStream()).serve(connection.getInputStream());
        } catch (IOException | RuntimeException e) {
            // one client's broken connection (or a target that refused it) ends that client only
        } finally {
            client = null;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do about a socket that will not close
        }
    }

    /** Stops listening and ends the current connection (gdb sees the remote end close). */
    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a listening socket cannot fail in a way worth reporting
        }
        Socket c = client;
        if (c != null) {
            closeQuietly(c);
        }
    }
}
