/** Pages that differ between two copies of RAM: see 'hv exercise show dirty-pages'. */
public final class DirtyPages {
    private DirtyPages() {}

    public static int[] changed(byte[] before, byte[] after, int pageSize) {
        // TODO: compare page by page.
        return new int[0];
    }
}
