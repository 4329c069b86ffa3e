package hvlab.vmmm.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Messages on a socket: each is a frame of a magic byte, its type (one byte), its length (four
 * bytes) and its payload ({@link Codec}). Reading is where hostile input arrives, so:
 * <ul>
 *   <li>a length above {@link #MAX_FRAME} is refused before a byte of payload is read or stored;</li>
 *   <li>every read has a deadline: the socket's read timeout, and a whole-frame deadline on top,
 *       so a peer that sends one byte just before each timeout (a slowloris) is cut off too;</li>
 *   <li>whatever goes wrong is a {@link ProtocolException} or an {@link IOException} with one line.</li>
 * </ul>
 * One thread reads and one thread writes a connection at a time.
 */
public final class Frames implements AutoCloseable {
    static final int MAGIC = 0xA7;
    /** The largest frame: a guest image or a machine state fits, 16 MiB of anything does not. */
    public static final int MAX_FRAME = 16 << 20;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long frameMillis;

    /** {@code frameMillis}: how long a whole frame may take to arrive once it is awaited. */
    public Frames(Socket socket, long frameMillis) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        this.frameMillis = frameMillis;
    }

    public Socket socket() {
        return socket;
    }

    public synchronized void send(Message message) throws IOException {
        byte[] payload = Codec.encode(message);
        if (payload.length > MAX_FRAME) {
            throw new ProtocolException("a " + message.getClass().getSimpleName() + " of " + payload.length + " bytes is larger than a frame");
        }
        out.write(MAGIC);
        out.write(Codec.type(message));
        out.write(new byte[] {(byte) (payload.length >>> 24), (byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length});
        out.write(payload);
        out.flush();
    }

    /** The next message, within {@code frameMillis}. */
    public Message receive() throws IOException {
        return receive(frameMillis);
    }

    public Message receive(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        byte[] header = readFully(6, deadline, millis);
        if ((header[0] & 0xff) != MAGIC) {
            throw new ProtocolException("not an hvlab frame (first byte " + (header[0] & 0xff) + ")");
        }
        int type = header[1] & 0xff;
        long length = ((header[2] & 0xffL) << 24) | ((header[3] & 0xff) << 16) | ((header[4] & 0xff) << 8) | (header[5] & 0xff);
        if (length > MAX_FRAME) {
            throw new ProtocolException("a frame of " + length + " bytes (at most " + MAX_FRAME + ")");
        }
        return Codec.decode(type, readFully((int) length, deadline, millis));
    }

    /** Exactly {@code n} bytes before {@code deadline}; read in pieces, so a lie about the length costs at most what arrived. */
    private byte[] readFully(int n, long deadline, long millis) throws IOException {
        byte[] bytes = new byte[Math.min(n, 1 << 16)];
        int have = 0;
        while (have < n) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new ProtocolException("no whole message within " + text(millis) + " (" + have + " of " + n + " bytes came)");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(left, Integer.MAX_VALUE)));
            if (have == bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(n, (long) bytes.length * 2));
            }
            int got;
            try {
                got = in.read(bytes, have, bytes.length - have);
            } catch (SocketTimeoutException e) {
                throw new ProtocolException("no whole message within " + text(millis) + " (" + have + " of " + n + " bytes came)");
            }
            if (got < 0) {
                throw new EOFException(have == 0 && n == 6 ? "the connection was closed" : "the connection was closed in the middle of a message");
            }
            have += got;
        }
        return bytes;
    }

    private static String text(long millis) {
        return millis >= 1000 ? millis / 1000.0 + " s" : millis + " ms";
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
