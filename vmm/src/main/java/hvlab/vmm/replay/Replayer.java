package hvlab.vmm.replay;

import hvlab.vmm.Vm;
import hvlab.vmm.Watchdog;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import java.util.function.LongConsumer;

/**
 * Re-executes a recording (ReVirt's replay): a freshly booted VM of the same configuration runs
 * the same code, and at each recorded point the Replayer hands it exactly what it got then (a
 * clock advance, an interrupt, typed input). Between two events nothing nondeterministic
 * happens, so the VM must arrive at the next event's point by itself; if it does not, or an
 * interrupt finds other registers than the recording saw, the replay has diverged and the first
 * such point is named. At the end the machine's fingerprint must equal the recording's.
 */
public final class Replayer {
    /** Replay to the end. */
    public static final long TO_THE_END = Long.MAX_VALUE;

    private Replayer() { }

    /**
     * @param vm         booted, never run, of the recording's configuration ({@link RecordingHeader#applyTo})
     * @param untilNanos stop before the first clock advance that would take virtual time past this
     * @param progress   told the number of events replayed, every so often
     */
    public static ReplayOutcome replay(Vm vm, Recording recording, long untilNanos, LongConsumer progress) {
        return replay(vm, recording, untilNanos, Duration.ofMinutes(10), progress);
    }

    /**
     * As above, bounded: a replay is work done for a guest, and a recording can ask for any
     * number of blocks, so after {@code limit} of real time the CPU is stopped and the replay
     * ends where it got to.
     */
    public static ReplayOutcome replay(Vm vm, Recording recording, long untilNanos, Duration limit, LongConsumer progress) {
        AtomicBoolean late = new AtomicBoolean();
        try (Watchdog watchdog = new Watchdog(System.nanoTime() + limit.toNanos(), () -> {
            late.set(true);
            vm.requestStop();
        })) {
            ReplayOutcome outcome = run(vm, recording, untilNanos, progress);
            if (late.get() && !(outcome instanceof ReplayOutcome.Same)) {
                long done = switch (outcome) {
                    case ReplayOutcome.Diverged d -> d.event() - 1;
                    case ReplayOutcome.Stopped s -> s.events();
                    case ReplayOutcome.Same s -> s.events();
                };
                return new ReplayOutcome.Stopped(done, vm.here(), vm.virtualNanos(),
                        "the replay took longer than its limit of " + limit.toSeconds() + " s");
            }
            return outcome;
        }
    }

    private static ReplayOutcome run(Vm vm, Recording recording, long untilNanos, LongConsumer progress) {
        long n = 0;
        for (JournalEvent event : recording.events()) {
            n++;
            if (event instanceof JournalEvent.Truncated t) {
                return new ReplayOutcome.Stopped(n - 1, vm.here(), vm.virtualNanos(), "the recording was cut short: " + t.why());
            }
            if (n % 1000 == 0) {
                progress.accept(n);
            }
            Vm.RunToOutcome reached = vm.runTo(event.at());
            if (reached != Vm.RunToOutcome.REACHED) {
                String why = switch (reached) {
                    case ENDED -> "the guest ended first: " + vm.exit().describe();
                    case HALTED -> "the guest halted before it, waiting for an interrupt that is not due yet";
                    default -> "the guest ran past it";
                };
                return new ReplayOutcome.Diverged(n, event.at(), vm.here(), why);
            }
            switch (event) {
                case JournalEvent.ClockAdvanced c -> {
                    if (vm.virtualNanos() + c.nanos() > untilNanos) {
                        return new ReplayOutcome.Stopped(n - 1, vm.here(), vm.virtualNanos(), "stopped at the time asked for");
                    }
                    vm.replayClock(c.nanos());
                }
                case JournalEvent.InterruptDelivered i -> {
                    long registers = MachineFingerprint.registersOf(vm.cpu());
                    if (registers != i.registers()) {
                        return new ReplayOutcome.Diverged(n, event.at(), vm.here(),
                                "the registers differ from the recording's when interrupt " + i.vector() + " is due");
                    }
                    String problem = vm.replayInterrupt(i.vector());
                    if (problem != null) {
                        return new ReplayOutcome.Diverged(n, event.at(), vm.here(), "interrupt " + i.vector() + ": " + problem);
                    }
                }
                case JournalEvent.SerialInput s -> vm.replayInput(s.bytes());
                case JournalEvent.PowerButton p -> vm.replayPowerButton();
                case JournalEvent.Truncated t -> throw new AssertionError("handled above");
                case JournalEvent.Ended e -> {
                    MachineFingerprint now = vm.fingerprint();
                    String differences = now.differencesFrom(e.fingerprint());
                    if (!differences.isEmpty()) {
                        return new ReplayOutcome.Diverged(n, event.at(), vm.here(), "at the end: " + differences);
                    }
                    return new ReplayOutcome.Same(n, event.at(), now, vm.virtualNanos());
                }
            }
        }
        return new ReplayOutcome.Stopped(n, vm.here(), vm.virtualNanos(), recording.problem());
    }
}
