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

    private void acceptLoop() {
        while (!closed) {
            try (Socket connection = socket.accept()) {
                client = connection;
                connection.setTcpNoDelay(true);
                new GdbSession(targets.get(), connection.getOutputStream()).serve(connection.getInputStream());
            } catch (IOException | RuntimeException e) {
                // one client's broken connection (or a target that refused it) ends that client only
            } finally {
                client = null;
            }
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
            try {
                c.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
