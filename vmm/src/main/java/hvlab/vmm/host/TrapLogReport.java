package hvlab.vmm.host;

import hvlab.vmm.TrapRecord;

import java.util.List;

/**
 * What {@link HostControl#trapLog} answers: the sampled records after the one asked for, and how
 * many traps there were in all, so a reader can say "20 a second shown of 40,000".
 *
 * @param seen      traps (and delivered events) the VM has taken since it booted
 * @param perSecond the most records the log keeps a second
 */
public record TrapLogReport(long seen, int perSecond, List<TrapRecord> records) {
    public TrapLogReport {
        records = List.copyOf(records);
    }

    public static final TrapLogReport NONE = new TrapLogReport(0, 0, List.of());
}
