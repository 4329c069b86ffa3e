package hvlab.vmm.devices;

import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.network.EthernetFrame;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The NIC's data path: frames out of the transmit ring onto the wire, and frames from the switch
 * into the receive ring, each address checked against guest RAM before the VMM touches it. The
 * registers and the interrupt are {@link NetworkCard}'s; this says what a doorbell achieved.
 */
final class NicTransfer {
    /** What one pass did: ISR bits to raise, and the error that stopped it (NONE if none). */
    record Step(int isr, NicError error) {
        static final Step NOTHING = new Step(0, NicError.NONE);

        static Step failed(NicError why) {
            return new Step(NetworkCard.ISR_ERROR, why);
        }
    }

    final NicRing rx = new NicRing();
    final NicRing tx = new NicRing();
    private final GuestRam ram;
    private final NicOptions.Wire wire;
    TokenBucket frameTokens;
    TokenBucket byteTokens;
    private final ConcurrentLinkedQueue<byte[]> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    final AtomicLong rxDropped = new AtomicLong();
    long txFrames, txBytes, rxFrames, rxBytes, txPoliced;

    NicTransfer(GuestRam ram, NicOptions options) {
        this.ram = ram;
        this.wire = options.wire();
        limit(options.limits());
    }

    /** New buckets for new limits, full: the policer starts over, as a reconfigured OVS ingress policer does. */
    void limit(NicOptions.Limits l) {
        this.frameTokens = new TokenBucket(l.framesPerSecond(), l.burstFrames(), 1);
        this.byteTokens = new TokenBucket(l.bytesPerSecond(), l.burstBytes(), EthernetFrame.MAX);
    }

    /** Sends every frame the driver queued, at most one ring's worth. */
    Step transmit() {
        NicError bad = checkRings(tx);
        if (bad != NicError.NONE) return Step.failed(bad);
        boolean sent = false;
        for (int n = 0; n < tx.size; n++) {
            NicRing.Descriptor d = tx.take(ram);
            if (d == null) break;
            if (d.length() < EthernetFrame.HEADER || d.length() > EthernetFrame.MAX) return Step.failed(NicError.BAD_LENGTH);
            NicError where = checkBuffer(d, d.length());
            if (where != NicError.NONE) return Step.failed(where);
            byte[] frame = ram.readBytes(d.buffer(), d.length()); // the VMM's own copy: the guest cannot change it under the switch
            tx.complete(ram, d, d.length());
            sent = true;
            if (!frameTokens.has(1) || !byteTokens.has(frame.length)) {
                txPoliced++;
                continue;
            }
            frameTokens.take(1);
            byteTokens.take(frame.length);
            txFrames++;
            txBytes += frame.length;
            wire.transmit(frame);
        }
        return sent ? new Step(NetworkCard.ISR_TX, NicError.NONE) : Step.NOTHING;
    }

    /** Any thread: a frame waits for the VM's thread, or is dropped if too many wait. */
    void offer(byte[] frame) {
        if (waiting.incrementAndGet() > NetworkCard.MAX_WAITING) {
            waiting.decrementAndGet();
            rxDropped.incrementAndGet();
            return;
        }
        arrived.add(frame);
    }

    boolean hasArrived() {
        return !arrived.isEmpty();
    }

    /** Frames that arrived while the card is stopped are lost, as on a NIC that needs a reset. */
    void dropArrived() {
        while (arrived.poll() != null) {
            waiting.decrementAndGet();
            rxDropped.incrementAndGet();
        }
    }

    /** Frames in flight are not machine state: a restored card starts with none. */
    void forgetArrived() {
        arrived.clear();
        waiting.set(0);
    }

    /** Places waiting frames into the receive buffers the driver gave, as many as there are. */
    Step deliver() {
        if (arrived.isEmpty() || !rx.configured()) return Step.NOTHING;
        NicError bad = checkRings(rx);
        if (bad != NicError.NONE) return Step.failed(bad);
        boolean placed = false;
        for (int n = 0; n < rx.size && !arrived.isEmpty(); n++) {
            NicRing.Descriptor d = rx.take(ram);
            if (d == null) break;
            if (d.length() < EthernetFrame.MAX) return Step.failed(NicError.RX_BUFFER_SMALL);
            NicError where = checkBuffer(d, d.length());
            if (where != NicError.NONE) return Step.failed(where);
            byte[] frame = arrived.poll();
            waiting.decrementAndGet();
            ram.writeDataBytes(d.buffer(), frame);
            rx.complete(ram, d, frame.length);
            rxFrames++;
            rxBytes += frame.length;
            placed = true;
        }
        return placed ? new Step(NetworkCard.ISR_RX, NicError.NONE) : Step.NOTHING;
    }

    /** Both rings sane and apart; the one about to be used must be set up. */
    private NicError checkRings(NicRing using) {
        NicError own = using.check(ram);
        if (own != NicError.NONE) return own;
        NicRing other = using == rx ? tx : rx;
        return other.overlaps(using.base, using.bytes()) ? NicError.OVERLAP : NicError.NONE;
    }

    private NicError checkBuffer(NicRing.Descriptor d, int length) {
        if (!ram.contains(d.buffer(), length)) return NicError.BUFFER_OUTSIDE_RAM;
        if (rx.overlaps(d.buffer(), length) || tx.overlaps(d.buffer(), length)) return NicError.OVERLAP;
        return NicError.NONE;
    }

    NetworkCard.Counters counters() {
        return new NetworkCard.Counters(txFrames, txBytes, rxFrames, rxBytes, txPoliced, rxDropped.get());
    }

    void restoreCounters(NetworkCard.Counters c) {
        txFrames = c.txFrames();
        txBytes = c.txBytes();
        rxFrames = c.rxFrames();
        rxBytes = c.rxBytes();
        txPoliced = c.txPoliced();
        rxDropped.set(c.rxDropped());
    }
}
