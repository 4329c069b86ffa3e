package hvlab.vmm.gdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal gdb for tests: sends packets and raw bytes, reads replies (checking their checksums), acknowledges them. */
final class RspClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RspClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000); // a test that waits longer has failed; never hang the build
        socket.setTcpNoDelay(true);  // as gdb does: an acknowledgement must not wait for the next packet
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void raw(String bytes) throws IOException {
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Sends a packet and returns the reply's body. */
    String ask(String body) throws IOException {
        raw(new String(Rsp.frame(body), StandardCharsets.ISO_8859_1));
        return reply();
    }

    /** The next packet's body (acknowledgements before it skipped), acknowledged. */
    String reply() throws IOException {
        int b;
        while ((b = in.read()) != '$') {
            if (b == -1) throw new IOException("the stub closed the connection");
        }
        StringBuilder body = new StringBuilder();
        while ((b = in.read()) != '#') {
            if (b == -1) throw new IOException("the stub closed the connection mid-packet");
            body.append((char) b);
        }
        String sum = "" + (char) in.read() + (char) in.read();
        byte[] wire = body.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (Integer.parseInt(sum, 16) != Rsp.checksum(wire)) {
            throw new IOException("bad checksum from the stub");
        }
        raw("+");
        return new String(Rsp.unescape(wire, wire.length), StandardCharsets.ISO_8859_1);
    }

    /** The next single byte (an acknowledgement). */
    int readByte() throws IOException {
        return in.read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
