package hvlab.tui.ui;

import hvlab.vmm.host.VmInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the UI knows about one VM: the host's last report and the histories drawn as sparklines
 * (CPU share, and exits per second by kind). Sampled by {@link DatacenterModel}; the VM itself is
 * never slowed down by being watched.
 */
final class VmRow {
    static final int HISTORY = 120;

    final String host;
    final String name;
    VmInfo info;
    final RateHistory share = new RateHistory(HISTORY);
    final RateHistory exits = new RateHistory(HISTORY);
    final Map<String, RateHistory> exitsByKind = new LinkedHashMap<>();
    final ConsoleTail console = new ConsoleTail(1000);
    /** The history view's lines, read from the host while that view is open. */
    List<String> history = List.of();
    /** The screen view's lines (the CGA text screen), read from the host while that view is open. */
    List<String> screen = List.of();
    final TrapLogState trapLog = new TrapLogState();
    final VmiState vmi = new VmiState();
    long historyReadAt;
    /** Its recording for deterministic replay (view 1), read at most once a second; null if none can be had. */
    hvlab.vmm.host.RecordingInfo recording;
    long recordingReadAt;
    /** The IDS's alerts on its network, newest last (view 1), read with the recording; empty when none or no NIC. */
    List<hvlab.vmm.host.NetworkControl.Alert> alerts = List.of();

    VmRow(String host, String name) {
        this.host = host;
        this.name = name;
    }

    void sample(VmInfo info, long nanos) {
        boolean wasActive = active();
        this.info = info;
        if (!wasActive && active()) {
            console.clear(); // a new boot: its console starts empty
            trapLog.clear();
            vmi.clear(); // a new kernel: the host forgot its baseline too
        }
        share.add(info.share());
        long total = 0;
        for (var entry : info.traps().entrySet()) {
            total += entry.getValue();
            exitsByKind.computeIfAbsent(entry.getKey(), k -> new RateHistory(HISTORY)).sample(entry.getValue(), nanos);
        }
        exits.sample(total, nanos);
    }

    boolean active() {
        return info != null && (info.state().equals("running") || info.state().equals("paused")
                || info.state().equals("shutting-down"));
    }
}
