package hvlab.vmm.devices;

import hvlab.vmm.devices.PitCommand.Access;
import hvlab.vmm.devices.PitCommand.Mode;

/**
 * One of the 8254's three 16-bit down-counters. Nothing here ticks: the counter remembers the
 * input-clock tick at which its count was loaded, and its count and OUT pin at any later tick are
 * worked out from the elapsed ticks. That makes time cost nothing while no one looks, and makes
 * the counter a pure function of the guest's port writes and the virtual clock.
 *
 * <p>Simplifications, each named in the 8254 datasheet's mode descriptions: the count is loaded
 * at the write itself rather than on the next CLK edge (one 838 ns tick later), as QEMU does;
 * GATE is tied high (true for counters 0 and 1 on a PC), so modes 1 and 5, which wait for a
 * rising GATE edge, are armed but never start; in modes 2 and 3 a new count written while
 * counting takes effect at the end of the current cycle (the chip waits for the end of the
 * current half-cycle in mode 3), so every cycle starts with OUT high.
 */
final class PitCounter {
    static final long NEVER = Long.MAX_VALUE;
    private static final int BINARY_MODULUS = 0x10000;
    private static final int BCD_MODULUS = 10000;

    private Access access = Access.LOW_THEN_HIGH;
    private Mode mode = Mode.INTERRUPT_ON_TERMINAL_COUNT;
    private boolean bcd;
    private boolean running;
    /** OUT while not counting. Undefined at power-up; high, so programming mode 2 is no edge. */
    private boolean idleOutput = true;
    private long loadTick;
    private long period;
    private long pendingPeriod;
    private long pendingAt = NEVER;
    private int heldCount;
    /** Status bit 6: a count was written but has not reached the counting element yet. */
    private boolean nullCount = true;
    private int lowByte;
    private boolean writeHighNext;
    private boolean readHighNext;
    private int latchedCount = -1;
    private int latchedStatus = -1;

    /** Everything the counter remembers, for save and restore. */
    record State(String access, String mode, boolean bcd, boolean running, boolean idleOutput, long loadTick,
                 long period, long pendingPeriod, long pendingAt, int heldCount, boolean nullCount, int lowByte,
                 boolean writeHighNext, boolean readHighNext, int latchedCount, int latchedStatus) {}

    State save() {
        return new State(access.name(), mode.name(), bcd, running, idleOutput, loadTick, period, pendingPeriod, pendingAt,
                heldCount, nullCount, lowByte, writeHighNext, readHighNext, latchedCount, latchedStatus);
    }

    void restore(State s) {
        access = Access.valueOf(s.access()); mode = Mode.valueOf(s.mode()); bcd = s.bcd(); running = s.running();
        idleOutput = s.idleOutput(); loadTick = s.loadTick(); period = s.period(); pendingPeriod = s.pendingPeriod();
        pendingAt = s.pendingAt(); heldCount = s.heldCount(); nullCount = s.nullCount(); lowByte = s.lowByte();
        writeHighNext = s.writeHighNext(); readHighNext = s.readHighNext(); latchedCount = s.latchedCount();
        latchedStatus = s.latchedStatus();
    }

    /** A control word: "all its control logic is immediately reset" (datasheet). */
    void program(PitCommand.Program command, long now) {
        commit(now);
        heldCount = count(now);
        access = command.access();
        mode = command.mode();
        bcd = command.bcd();
        running = false;
        idleOutput = mode != Mode.INTERRUPT_ON_TERMINAL_COUNT;
        pendingAt = NEVER;
        nullCount = true;
        writeHighNext = false;
        readHighNext = false;
        latchedCount = -1;
        latchedStatus = -1;
    }

    void writeByte(int value, long now) {
        commit(now);
        switch (access) {
            case LOW_BYTE -> load(value, now);
            case HIGH_BYTE -> load(value << 8, now);
            case LOW_THEN_HIGH -> {
                if (writeHighNext) {
                    writeHighNext = false;
                    load(lowByte | value << 8, now);
                } else {
                    lowByte = value;
                    writeHighNext = true;
                    // Mode 0: "writing the first byte disables counting; OUT is set low immediately."
                    if (mode == Mode.INTERRUPT_ON_TERMINAL_COUNT) stop(false, now);
                }
            }
        }
    }

    /**
     * Reads the output latch. Without a latch command it follows the live count, so the two
     * halves of a lo/hi read can come from different counts (low byte 0x00 of 0x0100, a tick,
     * high byte 0x00 of 0x00FF: the guest sees 0x0000), the torn read the latch command prevents.
     */
    int readByte(long now) {
        commit(now);
        if (latchedStatus >= 0) {
            int status = latchedStatus;
            latchedStatus = -1;
            return status;
        }
        int value = latchedCount >= 0 ? latchedCount : count(now);
        boolean high = access == Access.HIGH_BYTE || (access == Access.LOW_THEN_HIGH && readHighNext);
        boolean complete = access != Access.LOW_THEN_HIGH || readHighNext;
        if (access == Access.LOW_THEN_HIGH) readHighNext = !readHighNext;
        if (complete) latchedCount = -1;
        return high ? value >> 8 & 0xFF : value & 0xFF;
    }

    /** "A second latch command before the count is read is ignored": the first snapshot wins. */
    void latchCount(long now) {
        commit(now);
        if (latchedCount < 0) latchedCount = count(now);
    }

    /** The read-back status byte: OUT, null count, then the control word's own bits 5-0. */
    void latchStatus(long now) {
        commit(now);
        if (latchedStatus < 0) {
            latchedStatus = (output(now) ? 0x80 : 0) | (nullCount ? 0x40 : 0)
                    | (access.ordinal() + 1) << 4 | mode.ordinal() << 1 | (bcd ? 1 : 0);
        }
    }

    /** The OUT pin at tick {@code t} (not before the last operation). */
    boolean output(long t) {
        if (!running) return idleOutput;
        long n = periodAt(t);
        long e = t - loadTickAt(t);
        return switch (mode) {
            case INTERRUPT_ON_TERMINAL_COUNT -> e >= n;
            case SOFTWARE_STROBE -> e != n;
            case RATE_GENERATOR -> e % n != n - 1; // low while the count is 1
            case SQUARE_WAVE -> e % n < (n + 1) / 2; // odd N: high one clock longer than low
            case HARDWARE_ONE_SHOT, HARDWARE_STROBE -> true;
        };
    }

    /** The first tick after {@code t} at which OUT changes, or {@link #NEVER}. */
    long nextOutputChange(long t) {
        if (!running) return NEVER;
        long n = periodAt(t);
        long start = loadTickAt(t);
        long e = t - start;
        return switch (mode) {
            case INTERRUPT_ON_TERMINAL_COUNT -> e < n ? start + n : NEVER;
            case SOFTWARE_STROBE -> e < n ? start + n : e == n ? t + 1 : NEVER;
            case RATE_GENERATOR -> e % n < n - 1 ? t + (n - 1 - e % n) : t + 1;
            case SQUARE_WAVE -> e % n < (n + 1) / 2 ? t + (n + 1) / 2 - e % n : t + n - e % n;
            case HARDWARE_ONE_SHOT, HARDWARE_STROBE -> NEVER;
        };
    }

    private void load(int written, long now) {
        long n = bcd ? fromBcd(written) : written;
        if (n == 0) n = modulus(); // 0 is the largest count: 65536, or 10^4 in BCD
        boolean periodic = mode == Mode.RATE_GENERATOR || mode == Mode.SQUARE_WAVE;
        if (periodic) n = Math.max(n, 2); // the datasheet's minimum count for modes 2 and 3
        nullCount = true;
        if (periodic && running) {
            long sinceLoad = now - loadTick;
            pendingPeriod = n;
            pendingAt = loadTick + (sinceLoad / period + 1) * period;
        } else if (mode == Mode.HARDWARE_ONE_SHOT || mode == Mode.HARDWARE_STROBE) {
            period = n;
            stop(true, now);
        } else {
            running = true;
            loadTick = now;
            period = n;
            nullCount = false;
        }
    }

    private void stop(boolean output, long now) {
        heldCount = count(now);
        running = false;
        idleOutput = output;
    }

    /** A reload scheduled for the end of a cycle happens once time has passed it. */
    private void commit(long now) {
        if (pendingAt <= now) {
            loadTick = pendingAt;
            period = pendingPeriod;
            pendingAt = NEVER;
            nullCount = false;
        }
    }

    private long loadTickAt(long t) {
        return pendingAt <= t ? pendingAt : loadTick;
    }

    private long periodAt(long t) {
        return pendingAt <= t ? pendingPeriod : period;
    }

    /**
     * The counting element at tick {@code t}. Mode 2 counts N..1 and reloads; mode 3 counts down
     * by two, once per half-cycle (an odd N loads N-1 so it stays even); modes 0 and 4 keep
     * counting after terminal count, wrapping through 0xFFFF (or 9999 in BCD).
     */
    private int count(long t) {
        if (!running) return heldCount;
        long n = periodAt(t);
        long e = t - loadTickAt(t);
        long q = e % n;
        long value = switch (mode) {
            case RATE_GENERATOR -> n - q;
            case SQUARE_WAVE -> n % 2 == 0 ? n - 2 * (q % (n / 2)) : n - 1 - 2 * (q < (n + 1) / 2 ? q : q - (n + 1) / 2);
            default -> Math.floorMod(n - e, modulus());
        };
        int wrapped = (int) (value % modulus());
        return bcd ? toBcd(wrapped) : wrapped;
    }

    private int modulus() {
        return bcd ? BCD_MODULUS : BINARY_MODULUS;
    }

    private static int fromBcd(int bcd) {
        return (bcd >> 12 & 0xF) * 1000 + (bcd >> 8 & 0xF) * 100 + (bcd >> 4 & 0xF) * 10 + (bcd & 0xF);
    }

    private static int toBcd(int value) {
        return (value / 1000 % 10) << 12 | (value / 100 % 10) << 8 | (value / 10 % 10) << 4 | value % 10;
    }
}
