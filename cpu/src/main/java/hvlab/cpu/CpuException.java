package hvlab.cpu;

/** The CPU backend refused an operation; the message is the backend's own explanation. */
public class CpuException extends RuntimeException {
    public CpuException(String message) {
        super(message);
    }

    public CpuException(String message, Throwable cause) {
        super(message, cause);
    }
}
