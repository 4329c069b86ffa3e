package hvlab.vmm.devices;

/**
 * The Intel 8254 Programmable Interval Timer at ports 0x40-0x43: three counters clocked at
 * 1.193182 MHz (the PC's 14.31818 MHz crystal divided by 12) and a control word register.
 * Counter 0's OUT pin is wired to IRQ0, the system tick; counter 1 once refreshed DRAM and
 * counter 2 drives the speaker (its GATE comes from port 0x61, not modelled: GATE is high).
 *
 * <p>Time here is virtual. The PIT never reads a host clock; the VMM moves it forward with
 * {@link #advance(long)}, and every IRQ0 edge falls on an exact input-clock tick computed from
 * the guest's port writes and the nanoseconds advanced so far. Replaying the same writes and
 * advances therefore replays the same interrupts, and a guest halted with nothing to do can be
 * skipped straight to {@link #nanosUntilNextInterrupt()}.
 *
 * <p>Counter 0 drives IRQ0 with its OUT level, rising edges being the requests (the 8259A's
 * edge mode): mode 2 gives one edge every N ticks, as does mode 3; mode 0 gives one, N ticks
 * after the count is written. Edges the guest has not acknowledged yet merge in the PIC's IRR
 * bit, so a guest that runs with interrupts off too long loses ticks, just as on hardware.
 * Unlike the PIC, the PIT is not set up as a BIOS would (which starts counter 0 at 18.2 Hz):
 * a guest that never programs it is never interrupted or woken by it.
 */
public final class Pit8254 implements IoDevice {
    public static final int FIRST_PORT = 0x40;
    public static final int CONTROL_PORT = 0x43;
    /** Input clock frequency, as Linux's {@code PIT_TICK_RATE} rounds it. */
    public static final long INPUT_HZ = 1_193_182;
    /** Returned when no interrupt is coming. */
    public static final long NEVER = Long.MAX_VALUE;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final PitCounter[] counters = {new PitCounter(), new PitCounter(), new PitCounter()};
    private final InterruptLine irq0;
    private long now;
    /** The fraction of a tick advanced but not yet elapsed, in units of 10^-9 tick. */
    private long tickFraction;
    private boolean out0 = true;
    private long interrupts;

    /** @param irq0 where counter 0's OUT goes, normally {@code pic.line(0)} */
    public Pit8254(InterruptLine irq0) {
        this.irq0 = irq0;
    }

    /** The three counters and the PIT's own clock, for save and restore. */
    public record State(java.util.List<PitCounter.State> counters, long now, long tickFraction, boolean out0,
                        long interrupts) implements DeviceState {
        public State {
            counters = java.util.List.copyOf(counters);
        }
    }

    @Override
    public String name() {
        return "8254 PIT";
    }

    @Override
    public String id() {
        return "pit";
    }

    @Override
    public DeviceState save() {
        return new State(java.util.Arrays.stream(counters).map(PitCounter::save).toList(), now, tickFraction, out0, interrupts);
    }

    /** Takes up a saved state; IRQ0 is not driven again (the PIC is restored with the level it had). */
    @Override
    public void restore(DeviceState saved) {
        State s = Device.expect(State.class, saved, id());
        for (int i = 0; i < counters.length; i++) {
            counters[i].restore(s.counters().get(i));
        }
        now = s.now();
        tickFraction = s.tickFraction();
        out0 = s.out0();
        interrupts = s.interrupts();
    }

    @Override
    public int firstPort() {
        return FIRST_PORT;
    }

    @Override
    public int portCount() {
        return 4;
    }

    /**
     * The 8254 sits on the 8-bit ISA data bus: every access moves one byte. The control word
     * register is write-only; reading it floats the bus.
     */
    @Override
    public int read(int port, int size) {
        if (port == CONTROL_PORT) return 0xFF;
        return counters[port - FIRST_PORT].readByte(now);
    }

    @Override
    public void write(int port, int size, int value) {
        int v = value & 0xFF;
        if (port != CONTROL_PORT) {
            counters[port - FIRST_PORT].writeByte(v, now);
        } else {
            switch (PitCommand.decode(v)) {
                case PitCommand.Program p -> counters[p.counter()].program(p, now);
                case PitCommand.LatchCount l -> counters[l.counter()].latchCount(now);
                case PitCommand.ReadBack r -> {
                    for (int i = 0; i < counters.length; i++) {
                        if ((r.counters() & (1 << i)) == 0) continue;
                        if (r.status()) counters[i].latchStatus(now);
                        if (r.count()) counters[i].latchCount(now);
                    }
                }
            }
        }
        driveIrq0();
    }

    /**
     * Moves virtual time forward. Nanoseconds become ticks with an exact remainder carried from
     * call to call, so the tick count after T nanoseconds is floor(T * 1193182 / 10^9) however
     * T was sliced.
     */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time runs forward only: " + nanos + " ns");
        }
        long wholeSeconds = Math.multiplyExact(nanos / NANOS_PER_SECOND, INPUT_HZ);
        long scaled = (nanos % NANOS_PER_SECOND) * INPUT_HZ + tickFraction;
        tickFraction = scaled % NANOS_PER_SECOND;
        advanceTicks(wholeSeconds + scaled / NANOS_PER_SECOND);
    }

    /**
     * Moves virtual time forward by whole input-clock ticks, raising IRQ0 at every rising edge of
     * counter 0 on the way. The work is proportional to the edges passed, not the ticks.
     */
    public void advanceTicks(long ticks) {
        if (ticks < 0) {
            throw new IllegalArgumentException("time runs forward only: " + ticks + " ticks");
        }
        long target = Math.addExact(now, ticks);
        for (long next = counters[0].nextOutputChange(now); next <= target; next = counters[0].nextOutputChange(now)) {
            now = next;
            driveIrq0();
        }
        now = target;
    }

    /** Ticks until counter 0's next rising edge, or {@link #NEVER}. */
    public long ticksUntilNextInterrupt() {
        PitCounter counter0 = counters[0];
        long t = now;
        for (int change = 0; change < 2; change++) { // at most a falling edge, then the rising one
            t = counter0.nextOutputChange(t);
            if (t == NEVER) return NEVER;
            if (counter0.output(t)) return t - now;
        }
        return NEVER;
    }

    /**
     * The fewest nanoseconds that, passed to {@link #advance(long)}, raise the next IRQ0; or
     * {@link #NEVER}. A VMM whose guest halts with interrupts enabled advances by this much
     * instead of sleeping.
     */
    public long nanosUntilNextInterrupt() {
        long ticks = ticksUntilNextInterrupt();
        if (ticks == NEVER) return NEVER;
        return Math.ceilDiv(ticks * NANOS_PER_SECOND - tickFraction, INPUT_HZ);
    }

    /** Input-clock ticks since the PIT was created. */
    public long ticks() {
        return now;
    }

    /** Rising edges counter 0 has put on IRQ0 so far (before any merging in the PIC). */
    public long interruptsRaised() {
        return interrupts;
    }

    private void driveIrq0() {
        boolean level = counters[0].output(now);
        if (level == out0) return;
        out0 = level;
        if (level) interrupts++;
        irq0.set(level);
    }
}
