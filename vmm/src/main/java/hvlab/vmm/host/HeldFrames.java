package hvlab.vmm.host;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Remus's network output commit for one replicated VM: each frame its NIC sends waits here, with
 * the epoch of the checkpoint that will hold the VM's state after sending it, until the backup
 * acknowledges that checkpoint. A receiver may then see it: a failover can no longer take back
 * the VM's having sent it. Frames go in the order the VM sent them.
 *
 * <p>The NIC calls {@link #hold} on the VM's own thread; acknowledgements come on the stream's
 * thread. Frames are sent outside this object's lock, since delivering one wakes its receiver,
 * which takes the host's lock.
 */
final class HeldFrames {
    /** The most frames held at once; more are dropped, as a full transmit queue drops them. */
    static final int MAX = 4096;

    private record Held(long epoch, Runnable send) {}

    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private boolean holding = true;

    /** Keeps {@code send} until checkpoint {@code epoch} is acknowledged; false once nothing is held any more (send it now). */
    synchronized boolean hold(long epoch, Runnable send) {
        if (!holding) return false;
        if (held.size() < MAX) {
            held.addLast(new Held(epoch, send));
        }
        return true;
    }

    /** Sends the frames of checkpoints up to {@code ack}. */
    void release(long ack) {
        List<Runnable> go = new ArrayList<>();
        synchronized (this) {
            while (!held.isEmpty() && held.peekFirst().epoch() <= ack) {
                go.add(held.removeFirst().send());
            }
        }
        go.forEach(Runnable::run);
    }

    /** Replication is over: what is held goes now, and later frames are not held. */
    void releaseAll() {
        synchronized (this) {
            holding = false;
        }
        release(Long.MAX_VALUE);
    }

    /** The host died: what is held is never sent, as a dead host sends nothing. */
    synchronized void drop() {
        holding = false;
        held.clear();
    }
}
