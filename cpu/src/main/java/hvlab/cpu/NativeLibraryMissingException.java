package hvlab.cpu;

/** A native library (Unicorn or Capstone) could not be loaded. The message names the Debian package to install. */
public class NativeLibraryMissingException extends RuntimeException {
    public NativeLibraryMissingException(String message) {
        super(message);
    }
}
