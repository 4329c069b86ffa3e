import java.util.Arrays;

/** Pages that differ between two copies of RAM (reference solution). */
public final class DirtyPages {
    private DirtyPages() {}

    public static int[] changed(byte[] before, byte[] after, int pageSize) {
        int pages = (before.length + pageSize - 1) / pageSize;
        int[] out = new int[pages];
        int n = 0;
        for (int page = 0; page < pages; page++) {
            int from = page * pageSize;
            int to = Math.min(from + pageSize, before.length);
            if (Arrays.mismatch(before, from, to, after, from, to) >= 0) {
                out[n++] = page;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
