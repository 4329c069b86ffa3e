package hvlab.vmm.devices;

import hvlab.vmm.memory.GuestRam;
import hvlab.vmm.network.MacAddress;

/**
 * hvlab's paravirtual network card: no emulated chip (an e1000 has hundreds of registers a VMM
 * must imitate), but what virtio-net asks of a guest: rings of descriptors in guest RAM, a
 * doorbell, an interrupt. The guest writes frames into its own memory and says "go" with one OUT;
 * the VMM copies them out through the one door to guest RAM, and the host's switch carries them.
 * <pre>
 *   0x500-0x505  MAC       the card's address, read-only (the host's choice: port security holds it to this)
 *   0x506        STATUS    bit 0 link (always 1: the card is on a switch), bit 1 stopped by an error
 *   0x507        ERROR     why it stopped: a {@link NicError} code, 0 for none
 *   0x508        RX_RING   u32 guest-physical address of the receive ring      (writing it restarts the ring)
 *   0x50C        RX_SIZE   u32 its number of descriptors, 1-256
 *   0x510        TX_RING   u32 the transmit ring
 *   0x514        TX_SIZE   u32
 *   0x518        DOORBELL  write: bit 0 "I queued frames to send", bit 1 "I gave you receive buffers",
 *                          bit 7 reset the card (rings off, error cleared, the MAC stays)
 *   0x519        ISR       read: bit 0 frames received, bit 1 transmit done, bit 2 error; reading acknowledges
 *   0x51A        IMR       which ISR bits raise IRQ 11 (0x07 at reset)
 *   0x51C        RX_HEAD   u16, read-only: the next receive descriptor the card will fill
 *   0x51E        TX_HEAD   u16, read-only: the next transmit descriptor the card will read
 * </pre>
 * The descriptors are in {@link NicRing}. A guest can give the card anything: rings outside RAM or
 * in the VMM's region, rings overlapping each other, buffers past the end of RAM, lengths past the
 * buffer, giants. Each puts the card in an error state the guest can read (and an interrupt); the
 * VMM carries on. A doorbell reads at most one ring's worth of descriptors, so a driver that marks
 * every descriptor owned again and again cannot keep the VMM in its OUT for ever.
 *
 * <p>Frames for the guest arrive from the switch on other VMs' threads: they wait in a bounded
 * queue ({@link #offer}) until this VM's own thread places them ({@link #deliverArrived}) between
 * two slices. Only that thread touches the card's registers and the guest's RAM. The moving of
 * frames is {@link NicTransfer}'s; this class is the registers and the interrupt.
 */
public final class NetworkCard implements IoDevice {
    public static final int FIRST_PORT = 0x500;
    public static final int PORTS = 0x20;
    public static final int IRQ = 11;
    private Runnable inputListener;
    public static final int MAX_RING = 256;
    /** Frames that may wait for receive buffers; more are dropped, as a real NIC's FIFO overflows. */
    public static final int MAX_WAITING = 128;
    static final int ISR_RX = 1, ISR_TX = 2, ISR_ERROR = 4;
    static final int DOORBELL_TX = 1, DOORBELL_RX = 2, DOORBELL_RESET = 0x80;

    /** Frames and bytes through the card, and what it dropped (rate limit, no buffer, error state, full queue). */
    public record Counters(long txFrames, long txBytes, long rxFrames, long rxBytes, long txPoliced, long rxDropped) {}

    /** What a snapshot keeps: the registers and ring heads, the counters and the policer's tokens. Frames in flight are lost, as on a wire. */
    public record State(long mac, long rxRing, int rxSize, int rxHead, long txRing, int txSize, int txHead, int isr, int imr,
                        int error, Counters counters, TokenBucket.State frameTokens, TokenBucket.State byteTokens) implements DeviceState {}

    private final InterruptLine irq;
    private final MacAddress mac;
    private final NicTransfer path;
    private final NicRing rx;
    private final NicRing tx;
    private final byte[] ringRegisters = new byte[16];
    private int isr;
    private int imr = ISR_RX | ISR_TX | ISR_ERROR;
    private NicError error = NicError.NONE;
    private NicOptions.Limits limits;

    public NetworkCard(NicOptions options, GuestRam ram, InterruptLine irq) {
        this.irq = irq;
        this.mac = options.mac();
        this.path = new NicTransfer(ram, options);
        this.limits = options.limits();
        this.rx = path.rx;
        this.tx = path.tx;
    }

    @Override public String name() { return "paravirtual NIC"; }

    @Override public String id() { return "nic"; }

    @Override public int firstPort() { return FIRST_PORT; }

    @Override public int portCount() { return PORTS; }

    public MacAddress mac() { return mac; }

    public NicError error() { return error; }

    /** The policer's limits on what the guest sends. */
    public NicOptions.Limits limits() { return limits; }

    /** New limits for the policer, from now on (on the VM's thread: {@code vm.fromOutside}). */
    public void limit(NicOptions.Limits limits) {
        this.limits = limits;
        path.limit(limits);
    }

    public Counters counters() {
        return path.counters();
    }

    @Override
    public int read(int port, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            value |= readByte(port - FIRST_PORT + i) << (8 * i);
        }
        return value;
    }

    private int readByte(int at) {
        return switch (at) {
            case 0, 1, 2, 3, 4, 5 -> (int) (mac.bits() >>> (8 * (5 - at))) & 0xFF;
            case 0x06 -> 1 | (error != NicError.NONE ? 2 : 0);
            case 0x07 -> error.code();
            case 0x19 -> acknowledge();
            case 0x1A -> imr;
            case 0x1C, 0x1D -> (rx.head >>> (8 * (at - 0x1C))) & 0xFF;
            case 0x1E, 0x1F -> (tx.head >>> (8 * (at - 0x1E))) & 0xFF;
            default -> at >= 0x08 && at < 0x18 ? ringRegisters[at - 0x08] & 0xFF : 0xFF;
        };
    }

    /** Reading ISR hands the bits to the driver and clears them: the line drops until something new happens. */
    private int acknowledge() {
        int bits = isr;
        isr = 0;
        irq.lower();
        return bits;
    }

    @Override
    public void write(int port, int size, int value) {
        int from = port - FIRST_PORT;
        if (from == 0x18) {
            doorbell(value & 0xFF);
            return;
        }
        if (from == 0x1A) {
            imr = value & 7;
            signal();
            return;
        }
        boolean rxChanged = false, txChanged = false;
        for (int i = 0; i < size; i++) {
            int at = from + i - 0x08;
            if (at >= 0 && at < 16) {
                ringRegisters[at] = (byte) (value >>> (8 * i));
                rxChanged |= at < 8;
                txChanged |= at >= 8;
            }
        }
        if (rxChanged) rx.set(register(0), (int) register(4));
        if (txChanged) tx.set(register(8), (int) register(12));
    }

    private long register(int offset) {
        long v = 0;
        for (int i = 3; i >= 0; i--) {
            v = (v << 8) | (ringRegisters[offset + i] & 0xFF);
        }
        return v;
    }

    private void doorbell(int bits) {
        if ((bits & DOORBELL_RESET) != 0) {
            reset();
            return;
        }
        if (error != NicError.NONE) {
            return; // stopped until the driver resets the card
        }
        try {
            if ((bits & DOORBELL_TX) != 0) apply(path.transmit());
        } catch (RuntimeException bug) {
            fail(NicError.BUFFER_OUTSIDE_RAM); // never reached with the checks; the VMM must not throw at the guest
        }
        if ((bits & DOORBELL_RX) != 0 && error == NicError.NONE) deliverArrived();
    }

    /**
     * Told each time frames from the network have entered the guest's RAM (on the VM's thread):
     * input from outside, which a recording must know about.
     */
    public void onInput(Runnable listener) {
        this.inputListener = listener;
    }

    /** A frame from the switch, from any thread: it waits for this VM's thread, or is dropped if too many wait. */
    public void offer(byte[] frame) {
        path.offer(frame);
    }

    /** True while frames wait to be placed (the VM must not sleep through them). */
    public boolean hasArrived() {
        return path.hasArrived();
    }

    /** On the VM's thread: places waiting frames into the driver's receive buffers, as many as it gave. */
    public void deliverArrived() {
        if (error != NicError.NONE) {
            path.dropArrived();
            return;
        }
        try {
            NicTransfer.Step step = path.deliver();
            if ((step.isr() & ISR_RX) != 0 && inputListener != null) {
                inputListener.run();
            }
            apply(step);
        } catch (RuntimeException bug) {
            fail(NicError.BUFFER_OUTSIDE_RAM); // never reached with the checks; the VMM must not throw at the guest
        }
    }

    private void apply(NicTransfer.Step step) {
        if (step.error() != NicError.NONE) {
            fail(step.error());
        } else if (step.isr() != 0) {
            raise(step.isr());
        }
    }

    private void fail(NicError why) {
        error = why;
        raise(ISR_ERROR);
    }

    private void raise(int bits) {
        isr |= bits;
        signal();
    }

    /** IRQ 11 follows (ISR & IMR): an edge when the first unacknowledged, enabled bit appears. */
    private void signal() {
        irq.set((isr & imr) != 0);
    }

    private void reset() {
        java.util.Arrays.fill(ringRegisters, (byte) 0);
        rx.set(0, 0);
        tx.set(0, 0);
        error = NicError.NONE;
        isr = 0;
        imr = ISR_RX | ISR_TX | ISR_ERROR;
        irq.lower();
    }

    /** Lets virtual time pass: the policer's buckets refill. */
    void advance(long nanos) {
        path.frameTokens.refill(nanos);
        path.byteTokens.refill(nanos);
    }

    @Override
    public DeviceState save() {
        return new State(mac.bits(), rx.base, rx.size, rx.head, tx.base, tx.size, tx.head, isr, imr, error.code(), counters(),
                path.frameTokens.save(), path.byteTokens.save());
    }

    /**
     * Takes up a saved card. The MAC stays this card's own: a clone is a new machine with a new
     * address, and the switch holds each port to the address its host gave it.
     */
    @Override
    public void restore(DeviceState state) {
        State s = Device.expect(State.class, state, id());
        write(FIRST_PORT + 0x08, 4, (int) s.rxRing());
        write(FIRST_PORT + 0x0C, 4, s.rxSize());
        write(FIRST_PORT + 0x10, 4, (int) s.txRing());
        write(FIRST_PORT + 0x14, 4, s.txSize());
        rx.head = s.rxSize() > 0 ? Math.floorMod(s.rxHead(), s.rxSize()) : 0;
        tx.head = s.txSize() > 0 ? Math.floorMod(s.txHead(), s.txSize()) : 0;
        isr = s.isr() & 7;
        imr = s.imr() & 7;
        error = NicError.of(s.error());
        if (s.counters() != null) path.restoreCounters(s.counters());
        if (s.frameTokens() != null) path.frameTokens.restore(s.frameTokens());
        if (s.byteTokens() != null) path.byteTokens.restore(s.byteTokens());
        path.forgetArrived();
        signal();
    }
}
