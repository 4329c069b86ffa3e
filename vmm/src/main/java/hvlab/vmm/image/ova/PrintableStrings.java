package hvlab.vmm.image.ova;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs of printable text in binary data, as {@code strings -n 6} finds them: six or more bytes in
 * a row that are printable ASCII (space to tilde, or a tab). This is the first thing anyone does
 * with a stolen disk or memory dump, and it is enough to find what a guest typed or stored.
 *
 * <p>Bytes arrive in pieces, each with the address of its first byte; a run goes on across two
 * pieces only if the second starts where the first ended (two memory pages next to each other).
 */
public final class PrintableStrings {
    /** One run of text and where it was found. */
    public record Found(String where, long offset, String text) {}

    static final int MIN_LENGTH = 6;
    private static final int MAX_SHOWN = 120;

    private final String where;
    private final int limit;
    private final List<Found> found = new ArrayList<>();
    private final StringBuilder run = new StringBuilder();
    private long runStart;
    private long next = -1;
    private int runLength;
    private int count;

    /** Keeps the first {@code limit} runs found in {@code where} ("disk", "memory"), and counts them all. */
    PrintableStrings(String where, int limit) {
        this.where = where;
        this.limit = limit;
    }

    void feed(long offset, byte[] bytes, int from, int length) {
        if (offset != next) {
            end();
        }
        for (int i = from; i < from + length; i++) {
            int b = bytes[i] & 0xFF;
            if ((b >= 0x20 && b < 0x7F) || b == '\t') {
                if (runLength == 0) {
                    runStart = offset + (i - from);
                }
                if (runLength < MAX_SHOWN) {
                    run.append((char) b);
                }
                runLength++;
            } else {
                end();
            }
        }
        next = offset + length;
    }

    /** Ends the current run (at the end of the data, or where the data is not contiguous). */
    void end() {
        if (runLength >= MIN_LENGTH) {
            count++;
            if (found.size() < limit) {
                found.add(new Found(where, runStart, runLength > MAX_SHOWN ? run + "..." : run.toString()));
            }
        }
        run.setLength(0);
        runLength = 0;
    }

    List<Found> found() {
        return found;
    }

    /** All runs seen, shown or not. */
    int count() {
        return count;
    }
}
