package hvlab.vmmm.replication;

/** A replication that cannot start or go on, in one line that says where the VM is. */
public final class ReplicationException extends RuntimeException {
    public ReplicationException(String message) {
        super(message);
    }
}
