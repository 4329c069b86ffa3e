package hvlab.vmm.host;

/** A request the host refuses or cannot carry out; the message is one line for a person. */
public class HostException extends RuntimeException {
    public HostException(String message) {
        super(message);
    }

    public HostException(String message, Throwable cause) {
        super(message, cause);
    }
}
