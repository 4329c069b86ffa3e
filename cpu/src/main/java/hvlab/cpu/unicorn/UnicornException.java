package hvlab.cpu.unicorn;

import hvlab.cpu.CpuException;

/** A Unicorn call failed; carries Unicorn's error number and its own message for it. */
public final class UnicornException extends CpuException {
    private final int error;

    UnicornException(String call, int error) {
        super(call + ": " + UnicornEngine.describe(error));
        this.error = error;
    }

    public int error() {
        return error;
    }
}
