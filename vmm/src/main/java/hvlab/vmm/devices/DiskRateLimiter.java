package hvlab.vmm.devices;

/**
 * The disk's two token buckets, as in Firecracker's {@code RateLimiter}: one for bandwidth
 * (bytes) and one for operations (commands), each with its own rate and burst (paper IV.C.5:
 * the VMM decides how much of a shared resource each VM may use). A request goes when both
 * buckets can pay for it; otherwise the drive stays busy, and the limiter counts how long
 * requests waited, in virtual time.
 */
public final class DiskRateLimiter {
    /** @param waitingBytes what the request now waiting costs (0 and 0 when none waits) */
    public record State(TokenBucket.State bytes, TokenBucket.State operations, long waitingBytes, long waitingOperations,
                 long throttledNanos, long throttledRequests) {}

    private final TokenBucket bytes;
    private final TokenBucket operations;
    private long waitingBytes;
    private long waitingOperations;
    private long throttledNanos;
    private long throttledRequests;

    DiskRateLimiter(PlatformOptions.DiskLimits limits) {
        bytes = new TokenBucket(limits.bytesPerSecond(), limits.burstBytes(), DiskImage.SECTOR_BYTES);
        operations = new TokenBucket(limits.operationsPerSecond(), limits.burstOperations(), 1);
    }

    /**
     * Takes the tokens for a request if both buckets have them. If not, the request is noted as
     * waiting (its waiting time is counted from now) and nothing is taken.
     */
    boolean tryAcquire(long byteCost, long operationCost) {
        if (bytes.has(byteCost) && operations.has(operationCost)) {
            bytes.take(byteCost);
            operations.take(operationCost);
            waitingBytes = 0;
            waitingOperations = 0;
            return true;
        }
        if (!waiting()) throttledRequests++;
        waitingBytes = byteCost;
        waitingOperations = operationCost;
        return false;
    }

    /** The waiting request is given up (the drive was reset). */
    void cancel() {
        waitingBytes = 0;
        waitingOperations = 0;
    }

    boolean waiting() {
        return waitingBytes != 0 || waitingOperations != 0;
    }

    /** Lets virtual time pass: tokens drip in, and a waiting request's wait is counted. */
    void advance(long nanos) {
        if (waiting()) throttledNanos += Math.min(nanos, nanosUntilReady());
        bytes.refill(nanos);
        operations.refill(nanos);
    }

    /** Virtual nanoseconds until the waiting request can go; 0 if none waits or it can go now. */
    long nanosUntilReady() {
        if (!waiting()) return 0;
        return Math.max(bytes.nanosUntil(waitingBytes), operations.nanosUntil(waitingOperations));
    }

    /** Virtual time requests spent waiting for tokens, in nanoseconds. */
    long throttledNanos() {
        return throttledNanos;
    }

    /** How many requests had to wait at all. */
    long throttledRequests() {
        return throttledRequests;
    }

    State save() {
        return new State(bytes.save(), operations.save(), waitingBytes, waitingOperations, throttledNanos, throttledRequests);
    }

    void restore(State s) {
        bytes.restore(s.bytes());
        operations.restore(s.operations());
        waitingBytes = s.waitingBytes();
        waitingOperations = s.waitingOperations();
        throttledNanos = s.throttledNanos();
        throttledRequests = s.throttledRequests();
    }
}
