package hvlab.tui.threat;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.PowerAction;
import hvlab.vmmm.protocol.Frames;
import hvlab.vmmm.protocol.Message;
import hvlab.vmmm.tls.Tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A deliberately weakened configuration, for the undefended form of Network -> VMMM only: a
 * host's management port that speaks hvlab's frames over plain TCP and takes management calls
 * from whoever connects, as management interfaces left on a flat network without authentication
 * did (the VAServe break-in the paper cites, V.C). The calls go to the same {@link Host} methods
 * as {@code HostServer}'s, attributed to {@code manager} because the port cannot tell who called:
 * that is the point. hvlab's real port is {@code vmmm.host.HostServer}: mutual TLS, and only the
 * name {@code manager} may call.
 */
final class OpenManagementPort implements AutoCloseable {
    private final Host host;
    private final ServerSocket server;
    private volatile boolean closed;

    OpenManagementPort(Host host) throws IOException {
        this.host = host;
        this.server = Tls.listenInsecure(InetAddress.getLoopbackAddress(), 0);
        Thread.ofVirtual().name("hvlab-open-management").start(this::accept);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void serve(Socket socket) {
        try (Frames link = new Frames(socket, 5_000)) {
            while (true) {
                if (!(link.receive(5_000) instanceof Message.Call call)) return;
                link.send(answer(call));
            }
        } catch (IOException | RuntimeException e) {
            // the caller hung up, or sent something that is not a call: this connection ends
        }
    }

    private Message.Result answer(Message.Call call) {
        try {
            String vm = call.args().isEmpty() ? "" : call.args().getFirst();
            return switch (call.command()) {
                case "console" -> new Message.Result(true, host.console(vm, 0).text());
                case "start", "poweroff", "undefine" ->
                        new Message.Result(true, host.act(vm, PowerAction.valueOf(call.command().toUpperCase()), "manager").state());
                default -> new Message.Result(false, "'" + call.command() + "' is not a call this port takes");
            };
        } catch (HostException | IllegalArgumentException e) {
            return new Message.Result(false, e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
