package hvlab.vmm.tpm;

import java.util.ArrayList;
import java.util.List;

/**
 * The measurement log: every extend, in order. A verifier reads it to learn <em>what</em> was
 * measured (the PCRs only say that something was), and checks it by {@link #replay}: starting
 * from the power-on values, extend PCR by PCR as the log says, and compare with the PCRs the TPM
 * signed. Equal values mean the log is the true story (up to a SHA-256 collision).
 */
public final class EventLog {
    private final List<TpmEvent> events = new ArrayList<>();

    public void add(TpmEvent event) {
        events.add(event);
    }

    public List<TpmEvent> events() {
        return List.copyOf(events);
    }

    public void clear() {
        events.clear();
    }

    public void load(List<TpmEvent> saved) {
        events.clear();
        events.addAll(saved);
    }

    /** The PCR values the events give when extended, in order, into a bank fresh from power on. */
    public static List<byte[]> replay(List<TpmEvent> events) {
        PcrBank bank = new PcrBank();
        for (TpmEvent event : events) {
            bank.extend(event.pcr(), event.digestBytes());
        }
        return bank.all();
    }

    /** The first event whose PCR replays to something other than {@code pcrs} shows, or -1 when all agree. */
    public static int firstMismatchingPcr(List<TpmEvent> events, List<byte[]> pcrs, int selection) {
        List<byte[]> replayed = replay(events);
        for (int i = 0; i < PcrBank.COUNT; i++) {
            if ((selection & (1 << i)) != 0 && !java.util.Arrays.equals(replayed.get(i), pcrs.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
