package hvlab.vmmm.tls;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

/**
 * TLS 1.3 with mutual authentication for one node of the datacenter, from the JDK alone
 * ({@code SSLContext}): the node shows its certificate, demands the peer's, and trusts exactly one
 * issuer, the datacenter CA. Names are checked by the application, not by DNS: a connection to
 * host {@code h2} goes on only if the certificate the far end proved it holds says {@code CN=h2},
 * so a man in the middle with a certificate for another name (even another real host's) is refused.
 *
 * <p>{@code insecure} mode is plain TCP: no confidentiality, no integrity, no names. It exists to
 * show what Oberheide et al. (2008) did to Xen's and VMware's migrations, which were sent that way.
 */
public final class Tls {
    private final String self;
    private final SSLContext context;

    private Tls(String self, SSLContext context) {
        this.self = self;
        this.context = context;
    }

    /** The TLS identity of node {@code name} of the datacenter {@code ca}. */
    public static Tls of(DatacenterCa ca, String name) throws IOException {
        try {
            KeyStore own = ca.credentials(name);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(own, DatacenterCa.PASSWORD);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("datacenter-ca", ca.certificate());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return new Tls(name, context);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for " + name + ": " + e.getMessage());
        }
    }

    public String self() {
        return self;
    }

    /** A listening socket on loopback-or-any {@code port} (0: any free port) that demands a client certificate. */
    public ServerSocket listen(InetAddress bind, int port) throws IOException {
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(port, 50, bind);
        server.setEnabledProtocols(new String[] {"TLSv1.3"});
        server.setNeedClientAuth(true);
        return server;
    }

    /** Plain TCP, for {@code --insecure} only. */
    public static ServerSocket listenInsecure(InetAddress bind, int port) throws IOException {
        return new ServerSocket(port, 50, bind);
    }

    /**
     * Connects to {@code address}, completes the handshake within {@code millis}, and checks that
     * the peer is {@code expectedName}.
     */
    public Socket connect(InetSocketAddress address, String expectedName, int millis) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            socket.connect(address, millis);
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.setSoTimeout(millis);
            socket.startHandshake();
            String peer = peerName(socket);
            if (!peer.equals(expectedName)) {
                throw new IOException("the node at " + address.getHostString() + ":" + address.getPort() + " is '" + peer
                        + "', not '" + expectedName + "'");
            }
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    public static Socket connectInsecure(InetSocketAddress address, int millis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, millis);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * The name the peer proved with its certificate (its CN), after the handshake; for a plain
     * socket, null: nothing was proved.
     */
    public static String peerName(Socket socket) throws IOException {
        if (!(socket instanceof SSLSocket ssl)) {
            return null;
        }
        try {
            X509Certificate certificate = (X509Certificate) ssl.getSession().getPeerCertificates()[0];
            String dn = certificate.getSubjectX500Principal().getName();
            return dn.startsWith("CN=") ? dn.substring(3).replaceAll(",.*", "") : dn;
        } catch (SSLPeerUnverifiedException e) {
            throw new IOException("the peer proved no identity: " + e.getMessage());
        }
    }

    /** Runs the server side of the handshake on an accepted socket within {@code millis}. */
    public static void handshake(Socket socket, int millis) throws IOException {
        if (socket instanceof SSLSocket ssl) {
            ssl.setSoTimeout(millis);
            ssl.startHandshake();
        }
    }
}
