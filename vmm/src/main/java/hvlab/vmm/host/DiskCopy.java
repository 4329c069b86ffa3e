package hvlab.vmm.host;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A running VM's disk as it travels in a live migration: the whole disk is sent once while the
 * VM runs (in chunks, flattened through its copy-on-write layers), and at the stop only the
 * chunks that changed since then go again, as with RAM pages. Each chunk's SHA-256 from the first
 * pass says which changed. (Clark et al. left disks to network storage; a host with its own disks
 * must copy them, as Bradford et al.'s "live wide-area migration" did, 2007.)
 */
public final class DiskCopy {
    /** Bytes per chunk: one message each. */
    public static final int CHUNK = 1 << 20;

    /** One chunk of the disk at {@code offset}. */
    public record Chunk(long offset, byte[] data) {}

    private final Path source;
    private long size;
    private byte[][] hashes = new byte[0][];

    DiskCopy(Path source) {
        this.source = source;
    }

    public long size() {
        return size;
    }

    /** Every chunk, as the disk is now; the VM may run meanwhile (changes go at the stop). */
    public List<Chunk> all() {
        return chunks(true);
    }

    /** The chunks that differ from what {@link #all} (or the last call) sent; call with the VM stopped. */
    public List<Chunk> changed() {
        return chunks(false);
    }

    private List<Chunk> chunks(boolean all) {
        Path flat = Capture.flatten(source);
        try (RandomAccessFile in = new RandomAccessFile(flat.toFile(), "r")) {
            long length = in.length();
            int count = (int) ((length + CHUNK - 1) / CHUNK);
            byte[][] now = new byte[count][];
            List<Chunk> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] data = new byte[(int) Math.min(CHUNK, length - (long) i * CHUNK)];
                in.seek((long) i * CHUNK);
                in.readFully(data);
                now[i] = sha256(data);
                if (all || i >= hashes.length || !Arrays.equals(hashes[i], now[i])) {
                    out.add(new Chunk((long) i * CHUNK, data));
                }
            }
            size = length;
            hashes = now;
            return out;
        } catch (IOException e) {
            throw new HostException("cannot read the disk to send it: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(flat);
            } catch (IOException ignored) {
                // a temporary file left behind
            }
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
