package hvlab.vmm.devices;

/**
 * A token bucket, the rate limiter Firecracker puts on every virtio device
 * ({@code src/vmm/src/rate_limiter}): tokens drip in at a steady rate up to the bucket's size, and
 * a request may go only when it can take the tokens it costs. The size is the burst: an idle
 * guest saves up that much and may then spend it at once, after which it gets the steady rate.
 *
 * <p>Time is the VM's virtual time, handed in by {@link #refill(long)}, never the host's clock:
 * the same run is throttled the same way every time, and a test can step through it. Tokens are
 * counted exactly, with the fraction of a token that has dripped in carried over in units of
 * 10^-9 token, so refilling in many small steps gives what one big step would.
 */
public final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** @param fraction the part of a token that has dripped in, in 10^-9 token */
    public record State(long tokens, long fraction) {}

    private final long rate;
    private final long size;
    private long tokens;
    private long fraction;

    /**
     * @param perSecond tokens added per second of virtual time; 0 means unlimited
     * @param burst     the bucket's size; raised to {@code largestCost} if smaller, so every request can go eventually
     * @param largestCost what the dearest single request costs
     */
    TokenBucket(long perSecond, long burst, long largestCost) {
        this.rate = perSecond;
        this.size = Math.max(burst, largestCost);
        this.tokens = size; // a new bucket is full
    }

    boolean unlimited() {
        return rate == 0;
    }

    boolean has(long cost) {
        return unlimited() || tokens >= cost;
    }

    void take(long cost) {
        if (!unlimited()) tokens -= cost;
    }

    /** Lets {@code nanos} of virtual time drip tokens in; what would overflow the bucket is lost. */
    void refill(long nanos) {
        if (unlimited()) return;
        long scaled = saturatingAdd(saturatingMultiply(nanos % NANOS_PER_SECOND, rate), fraction);
        long added = saturatingAdd(saturatingMultiply(nanos / NANOS_PER_SECOND, rate), scaled / NANOS_PER_SECOND);
        if (added >= size - tokens) {
            tokens = size;
            fraction = 0;
        } else {
            tokens += added;
            fraction = scaled % NANOS_PER_SECOND;
        }
    }

    /** The fewest nanoseconds of {@link #refill} after which {@code cost} tokens are there (0 if they are now). */
    long nanosUntil(long cost) {
        if (has(cost)) return 0;
        long missing = saturatingMultiply(cost - tokens, NANOS_PER_SECOND) - fraction;
        return Math.ceilDiv(missing, rate);
    }

    long tokens() {
        return tokens;
    }

    State save() {
        return new State(tokens, fraction);
    }

    void restore(State s) {
        tokens = Math.clamp(s.tokens(), 0, size);
        fraction = Math.clamp(s.fraction(), 0, NANOS_PER_SECOND - 1);
    }

    /** For non-negative operands: the product, or Long.MAX_VALUE when it does not fit. */
    private static long saturatingMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
