package hvlab.vmm.replay;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a recording keeps: every input to the guest that does not follow from the guest's own
 * code, each at the exact point it reached the guest. Everything else a guest does is a
 * function of its memory and registers, so re-running the same code from the same start and
 * feeding it these events at the same points reproduces the run (ReVirt's argument).
 *
 * <ul>
 *   <li>{@link ClockAdvanced}: the VMM let virtual time pass. How much depended on the host
 *       (real time, load), but from here on the timer, the RTC and the TSC follow from it.</li>
 *   <li>{@link InterruptDelivered}: an external interrupt entered the guest. Where it enters
 *       depends on when the VMM happened to be in control, which depends on host timing.</li>
 *   <li>{@link SerialInput}, {@link PowerButton}: input from the world outside the VM.</li>
 *   <li>{@link Ended}: the recording stops here, with a fingerprint of the machine to compare;
 *       {@link Truncated}: it stops early, at an input it cannot hold.</li>
 * </ul>
 */
public sealed interface JournalEvent {
    ReplayPoint at();

    record ClockAdvanced(ReplayPoint at, long nanos) implements JournalEvent {
        public ClockAdvanced {
            if (nanos <= 0) throw new IllegalArgumentException("the clock only moves forward");
        }
    }

    /** {@code registers}: a hash of the general registers at the point, to catch a replay that went astray early. */
    record InterruptDelivered(ReplayPoint at, int vector, long registers) implements JournalEvent {
        public InterruptDelivered {
            if (vector < 0 || vector > 255) throw new IllegalArgumentException("no such vector: " + vector);
        }
    }

    record SerialInput(ReplayPoint at, byte[] bytes) implements JournalEvent {
        public SerialInput {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SerialInput s && s.at.equals(at) && Arrays.equals(s.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return at.hashCode() * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "SerialInput[" + at + ", " + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    record PowerButton(ReplayPoint at) implements JournalEvent { }

    /**
     * The recording stops early: an input reached the guest that the journal cannot hold (a
     * network frame, a vTPM answer). Everything before replays; {@code at} is only roughly where
     * (the input arrived in the middle of an instruction), so a replay stops at the event before.
     */
    record Truncated(ReplayPoint at, String why) implements JournalEvent { }

    /** {@code why}: how the recording came to end (the VM stopped, the user stopped it, ...). */
    record Ended(ReplayPoint at, MachineFingerprint fingerprint, String why) implements JournalEvent { }
}
