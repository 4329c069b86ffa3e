package hvlab.vmm.replay;

import java.util.List;

/**
 * A recording read back: its header and events in execution order. {@code complete} is false
 * when the file stops without an {@link JournalEvent.Ended} (the recording VM's process died, or
 * recording is still going on): such a recording replays as far as it goes, with nothing to
 * compare at the end; {@code problem} then says why it stopped where it did.
 */
public record Recording(RecordingHeader header, List<JournalEvent> events, boolean complete, String problem) {
    public Recording {
        events = List.copyOf(events);
    }

    /** The guest time the recording covers: its clock advances, summed. */
    public long guestNanos() {
        return events.stream().mapToLong(e -> e instanceof JournalEvent.ClockAdvanced c ? c.nanos() : 0).sum();
    }

    /** The final event, if the recording is complete. */
    public JournalEvent.Ended end() {
        return complete ? (JournalEvent.Ended) events.getLast() : null;
    }
}
