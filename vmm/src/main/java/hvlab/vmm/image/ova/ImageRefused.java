package hvlab.vmm.image.ova;

/**
 * An image that is not taken in (or not written), with one line that names the file and the check
 * that failed: {@code web.ova: web-disk.img: SHA-256 does not match the manifest}. Nothing was
 * written to the store when this is thrown.
 */
public final class ImageRefused extends RuntimeException {
    public ImageRefused(String message) {
        super(message);
    }

    /** {@code ova: entry: what} (entry null: about the archive as a whole). */
    static ImageRefused of(String ova, String entry, String what) {
        return new ImageRefused(ova + ": " + (entry == null ? "" : entry + ": ") + what);
    }
}
