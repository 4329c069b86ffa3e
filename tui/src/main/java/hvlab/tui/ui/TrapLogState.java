package hvlab.tui.ui;

import hvlab.vmm.TrapKind;
import hvlab.vmm.TrapRecord;
import hvlab.vmm.host.TrapLogReport;

import java.util.ArrayList;
import java.util.List;

/** What the UI has read of one VM's trap log, and how the reader wants it shown. */
final class TrapLogState {
    private static final int KEEP = 500;

    private final List<TrapRecord> records = new ArrayList<>();
    long lastSeq;
    long seen;
    int perSecond;
    /** A kind's label to show alone, or null for all. */
    String filter;
    /** While held, new records are not taken in: the picture stays still to be read. */
    boolean held;

    void take(TrapLogReport report) {
        if (held) {
            return;
        }
        seen = report.seen();
        perSecond = report.perSecond();
        for (TrapRecord r : report.records()) {
            if (r.seq() > lastSeq) {
                records.add(r);
                lastSeq = r.seq();
            }
        }
        if (records.size() > KEEP) {
            records.subList(0, records.size() - KEEP).clear();
        }
    }

    /** A new boot: its trap numbers start again. */
    void clear() {
        records.clear();
        lastSeq = 0;
        seen = 0;
    }

    List<TrapRecord> shown() {
        return filter == null ? List.copyOf(records) : records.stream().filter(r -> r.kind().equals(filter)).toList();
    }

    /** All kinds, then each kind in turn. */
    void nextFilter() {
        TrapKind[] kinds = TrapKind.values();
        if (filter == null) {
            filter = kinds[0].label();
            return;
        }
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i].label().equals(filter)) {
                filter = i + 1 < kinds.length ? kinds[i + 1].label() : null;
                return;
            }
        }
        filter = null;
    }
}
