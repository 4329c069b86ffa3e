package hvlab.vmm.boot;

/** A guest image that cannot be loaded, with the reason in one line (the file's fault, not the VMM's). */
public final class BadImageException extends Exception {
    public BadImageException(String message) {
        super(message);
    }
}
