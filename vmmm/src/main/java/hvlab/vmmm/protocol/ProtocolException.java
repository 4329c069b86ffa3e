package hvlab.vmmm.protocol;

import java.io.IOException;

/** The other side sent something this protocol does not allow, or sent nothing in time. One line, for people. */
public final class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }
}
