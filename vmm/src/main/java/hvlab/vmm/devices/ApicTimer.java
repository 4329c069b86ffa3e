package hvlab.vmm.devices;

/**
 * The local APIC's timer (Intel SDM Vol. 3A, 10.5.4): a 32-bit counter loaded from the initial
 * count register, counting down at the bus clock divided by the divide configuration, that
 * signals when it reaches zero; in periodic mode it reloads and goes on, in one-shot mode it
 * stops at zero. Writing the initial count (re)starts it; writing 0 stops it.
 *
 * <p>Time is the VM's virtual time. Our bus clock runs at 1 GHz, as QEMU's APIC does: one count
 * per nanosecond divided by 1, so a kernel's "10,000,000 at divide 1" (xv6's lapicinit) ticks
 * every 10 ms. A kernel that calibrates against the PIT finds the same 1 GHz.
 */
final class ApicTimer {
    /** Nanoseconds per count at divide 1: a 1 GHz bus. */
    static final long NANOS_PER_BUS_CYCLE = 1;

    private long initialCount;
    /** Virtual nanoseconds until the count reaches zero, while running. */
    private long nanosToZero;
    private boolean running;
    private boolean periodic;
    private int divideConfiguration;
    private long expirations;

    /** The divide configuration register (bits 0, 1 and 3) as a divisor: 0b1011 is 1, 0b0000 is 2 ... 0b1010 is 128. */
    static int divisor(int configuration) {
        int code = ((configuration & 0b1000) >> 1) | (configuration & 0b11);
        return 1 << ((code + 1) & 7);
    }

    void setPeriodic(boolean periodic) {
        this.periodic = periodic;
    }

    int divideConfiguration() {
        return divideConfiguration;
    }

    /** A new divisor: the count carries on from where it is, at the new rate. */
    void setDivideConfiguration(int configuration) {
        long count = currentCount();
        divideConfiguration = configuration & 0b1011;
        if (running) {
            nanosToZero = count * nanosPerCount();
        }
    }

    long initialCount() {
        return initialCount;
    }

    void start(long initialCount) {
        this.initialCount = initialCount & 0xFFFFFFFFL;
        running = this.initialCount != 0;
        nanosToZero = this.initialCount * nanosPerCount();
    }

    /** The current count register: what is left until zero, rounded up to whole counts. */
    long currentCount() {
        if (!running) {
            return 0;
        }
        long perCount = nanosPerCount();
        return (nanosToZero + perCount - 1) / perCount;
    }

    /**
     * Lets {@code nanos} of virtual time pass; returns how many times the count reached zero.
     * Expirations that fall in one step are counted, not replayed one by one (a guest's timer
     * can have a period of a nanosecond).
     */
    long advance(long nanos) {
        if (!running || nanos < nanosToZero) {
            if (running) nanosToZero -= nanos;
            return 0;
        }
        long left = nanos - nanosToZero;
        long fired = 1;
        if (periodic) {
            long period = initialCount * nanosPerCount();
            fired += left / period;
            nanosToZero = period - left % period;
        } else {
            running = false;
            nanosToZero = 0;
        }
        expirations += fired;
        return fired;
    }

    /** Virtual nanoseconds until the count next reaches zero, or {@link Pit8254#NEVER}. */
    long nanosUntilExpiry() {
        return running ? nanosToZero : Pit8254.NEVER;
    }

    /** How many times the count has reached zero since power-on. */
    long expirations() {
        return expirations;
    }

    record State(long initialCount, long nanosToZero, boolean running, boolean periodic, int divideConfiguration,
                 long expirations) {}

    State save() {
        return new State(initialCount, nanosToZero, running, periodic, divideConfiguration, expirations);
    }

    void restore(State s) {
        initialCount = s.initialCount(); nanosToZero = s.nanosToZero(); running = s.running(); periodic = s.periodic();
        divideConfiguration = s.divideConfiguration(); expirations = s.expirations();
    }

    private long nanosPerCount() {
        return divisor(divideConfiguration) * NANOS_PER_BUS_CYCLE;
    }
}
