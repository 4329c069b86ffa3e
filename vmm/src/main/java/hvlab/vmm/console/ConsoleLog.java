package hvlab.vmm.console;

import java.nio.charset.StandardCharsets;

/**
 * What a guest has written to its console, kept with a bound: the last {@code capacity} bytes,
 * and a count of how many older ones were dropped. A guest that prints forever can then never
 * fill the host's memory, the failure the containment issue found ("5 GB resident, then an
 * OutOfMemoryError"), and a reader still sees the most recent output, which is what matters.
 *
 * <p>Written by the VM's thread, read by anyone (the UI, {@code vm console}): every method is
 * synchronized, and {@link #total()} lets a follower ask for just what is new.
 */
public final class ConsoleLog {
    /** The default bound: enough for any screenful a person will read, small enough to keep per VM. */
    public static final int DEFAULT_CAPACITY = 256 * 1024;

    private final byte[] ring;
    private long total;

    public ConsoleLog() {
        this(DEFAULT_CAPACITY);
    }

    public ConsoleLog(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a console log needs room for at least one byte");
        }
        ring = new byte[capacity];
    }

    public synchronized void append(int b) {
        ring[(int) (total % ring.length)] = (byte) b;
        total++;
    }

    /** Every byte ever appended, kept or not. */
    public synchronized long total() {
        return total;
    }

    /** Bytes that no longer fit and were dropped, oldest first. */
    public synchronized long dropped() {
        return Math.max(0, total - ring.length);
    }

    public int capacity() {
        return ring.length;
    }

    /** The bytes kept, oldest first. */
    public synchronized byte[] bytes() {
        return since(0);
    }

    /**
     * The bytes appended after the first {@code position} (a value of {@link #total()} read
     * earlier), as far as they are still kept: what a follower has not seen yet.
     */
    public synchronized byte[] since(long position) {
        long from = Math.max(position, dropped());
        int length = (int) Math.max(0, total - from);
        byte[] out = new byte[length];
        int start = (int) (from % ring.length);
        int first = Math.min(length, ring.length - start); // up to the ring's end, then from its start
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, length - first);
        return out;
    }

    /** The kept bytes as UTF-8 text (a character cut by the bound shows as a replacement mark). */
    public String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /** Forgets everything (a new boot of the VM). */
    public synchronized void clear() {
        total = 0;
    }

    /** For save and restore: the kept bytes and the total. */
    public record Contents(byte[] kept, long total) {
        public Contents {
            kept = kept.clone();
        }

        @Override
        public byte[] kept() {
            return kept.clone();
        }
    }

    public synchronized Contents contents() {
        return new Contents(bytes(), total);
    }

    public synchronized void restore(Contents contents) {
        byte[] kept = contents.kept();
        int skip = Math.max(0, kept.length - ring.length);
        long start = contents.total() - (kept.length - skip);
        total = start;
        for (int i = skip; i < kept.length; i++) {
            ring[(int) (total % ring.length)] = kept[i];
            total++;
        }
    }
}
