package hvlab.vmmm.replication;

import hvlab.vmm.console.ConsoleLog;
import hvlab.vmm.state.VmStateCodec;
import hvlab.vmmm.protocol.Codec;
import hvlab.vmmm.protocol.Message.Checkpoint;
import hvlab.vmmm.protocol.Message.Pages;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What a backup holds of a replicated VM: the last consistent checkpoint (every non-zero page of
 * RAM and the machine state), kept in memory and not running, and the checkpoint of the epoch
 * now arriving, kept apart until it is whole.
 *
 * <p>Remus's backup applies an epoch's pages only once its whole checkpoint has arrived: a primary
 * that dies half-way through sending one leaves pages of epoch k+1 beside a state of epoch k, a
 * machine that never existed. So the pages of the arriving epoch are staged, and
 * {@link #seal} applies them and the new state together; {@link #discardPartial} (the connection
 * broke) leaves the last consistent checkpoint as it was.
 *
 * <p>The primary is not trusted with this host's memory: page numbers are checked against the
 * VM's RAM, epochs must come in order, and a machine state must decode before it replaces the old
 * one. Whatever is refused leaves the last good checkpoint untouched.
 */
public final class ReplicaImage {
    private static final byte[] ZERO = new byte[Codec.PAGE];

    private final long ramBytes;
    private final long pageCount;
    private final Map<Integer, byte[]> pages = new HashMap<>();
    private byte[] machine;
    private ConsoleLog console = new ConsoleLog();
    private int epoch = -1;
    private long consoleTotal;
    private final Map<Integer, byte[]> staged = new HashMap<>();
    private int stagedPages;

    public ReplicaImage(long ramBytes) {
        if (ramBytes <= 0 || ramBytes % Codec.PAGE != 0) {
            throw new ReplicationException("a replica of " + ramBytes + " bytes of RAM is not whole 4 KiB pages");
        }
        this.ramBytes = ramBytes;
        this.pageCount = ramBytes / Codec.PAGE;
    }

    /** The epoch of the last consistent checkpoint; -1 before the first. */
    public int epoch() {
        return epoch;
    }

    public long consoleTotal() {
        return consoleTotal;
    }

    /** The machine state of the consistent checkpoint, with the whole console as it stood then. */
    public byte[] machine() {
        return machine == null ? null : VmStateCodec.withConsole(machine, console.contents());
    }

    /** Pages of RAM held that are not zero. */
    public int pagesHeld() {
        return pages.size();
    }

    /** Pages of the epoch after {@link #epoch()}: staged until its {@link Checkpoint} comes. */
    public void stage(Pages message) {
        expectNext(message.round(), "pages");
        int[] numbers = message.numbers();
        for (int i = 0; i < numbers.length; i++) {
            int n = numbers[i];
            if (n < 0 || n >= pageCount) {
                throw new ReplicationException("page " + n + " is not a page of the VM's " + (ramBytes >> 10) + " KiB");
            }
        }
        for (int i = 0; i < numbers.length; i++) {
            staged.put(numbers[i], Arrays.copyOfRange(message.data(), i * Codec.PAGE, (i + 1) * Codec.PAGE));
        }
        stagedPages += numbers.length;
    }

    /** The arriving epoch is whole: its pages and state become the consistent checkpoint. */
    public void seal(Checkpoint checkpoint) {
        expectNext(checkpoint.epoch(), "checkpoint");
        if (checkpoint.pages() != stagedPages) {
            throw new ReplicationException("checkpoint " + checkpoint.epoch() + " claims " + checkpoint.pages() + " pages; "
                    + stagedPages + " came");
        }
        if (checkpoint.consoleTotal() < 0) {
            throw new ReplicationException("checkpoint " + checkpoint.epoch() + " has a console position of " + checkpoint.consoleTotal());
        }
        ConsoleLog.Contents fresh;
        try {
            fresh = VmStateCodec.check(checkpoint.machine(), ramBytes);
        } catch (IllegalArgumentException e) {
            throw new ReplicationException("checkpoint " + checkpoint.epoch() + " has a machine state that does not decode: " + e.getMessage());
        }
        if (fresh.total() != checkpoint.consoleTotal() || fresh.kept().length > fresh.total()) {
            throw new ReplicationException("checkpoint " + checkpoint.epoch() + " puts its console at " + checkpoint.consoleTotal()
                    + " and its machine state at " + fresh.total());
        }
        // Each checkpoint's console is the bytes since the last one: appended here. One that does
        // not follow on (the first, a new boot, more than the console keeps) starts it afresh.
        ConsoleLog after = console;
        if (epoch < 0 || fresh.total() - fresh.kept().length != console.total()) {
            after = new ConsoleLog();
        }
        after.restore(fresh);
        console = after;
        for (var page : staged.entrySet()) {
            if (Arrays.equals(page.getValue(), ZERO)) {
                pages.remove(page.getKey());
            } else {
                pages.put(page.getKey(), page.getValue());
            }
        }
        machine = checkpoint.machine().clone();
        consoleTotal = checkpoint.consoleTotal();
        epoch = checkpoint.epoch();
        discardPartial();
    }

    /** The epoch that was arriving is dropped; the last consistent checkpoint stays. */
    public void discardPartial() {
        staged.clear();
        stagedPages = 0;
    }

    /** Every non-zero page of the consistent checkpoint, for the machine a failover builds. */
    public void forEachPage(BiConsumer<Integer, byte[]> action) {
        pages.forEach(action);
    }

    private void expectNext(int got, String what) {
        if (got != epoch + 1) {
            throw new ReplicationException(what + " of epoch " + got + " where epoch " + (epoch + 1) + " belongs");
        }
    }
}
