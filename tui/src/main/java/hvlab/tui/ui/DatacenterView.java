package hvlab.tui.ui;

import com.googlecode.lanterna.TextColor;
import hvlab.vmmm.protocol.Message.Progress;

import java.util.List;
import java.util.Locale;

/**
 * View 7, the datacenter: each host with its VMs and its load (their CPU demand over its CPUs,
 * what the balancer evens out, paper IV.D.3), the imbalance, and the latest live migration as a
 * timeline of its pre-copy rounds: pages sent per round, the guest's dirty rate meanwhile, and
 * the downtime (Clark et al. 2005: each round sends what the guest wrote during the last one,
 * until what is left is small enough to send with the VM stopped).
 *
 * <pre>
 *  host CPU  VMs   load
 *  h1 ✓  2   3/15  ██████████░░░░  98%
 *  h2 ✓  2   1/1   ███░░░░░░░░░░░  20%
 *  imbalance 0.37 (threshold 0.15)
 *  migration ticks h1 → h2 · done
 *  round phase          pages        ms  dirty/s
 *    0   pre-copy        3300 ▇▇▇▇  40.2     1200
 *  downtime 33.1 ms · total 180.2 ms · 3456 pages over TLS
 * </pre>
 */
final class DatacenterView {
    private DatacenterView() {}

    /** One host's line: its attestation mark, CPUs, VMs running of all, and load (1.0 = every CPU busy). */
    record HostRow(String name, String mark, int cpus, long running, long all, double load) {}

    /** {@code manager}: what the manager last said of patches and replicas; null when there is no manager. */
    static void draw(Canvas in, List<HostRow> hosts, double imbalance, double threshold, MigrationWatch.Shown migration,
                     ManagerWatch.Seen manager) {
        boolean managed = manager != null;
        int bar = Math.max(8, in.width - 30);
        in.text(0, 0, String.format(Locale.ROOT, "%-6s %3s %7s  %s", "host", "CPU", "VMs on", "load"), TextColor.ANSI.DEFAULT, true);
        int y = 1;
        for (HostRow h : hosts) {
            in.text(0, y, String.format(Locale.ROOT, "%-4s %s %3d %7s  ", h.name(), h.mark().isEmpty() ? " " : h.mark(), h.cpus(),
                    h.running() + "/" + h.all()), TextColor.ANSI.CYAN, true);
            int filled = (int) Math.round(Math.min(1, h.load()) * bar);
            in.text(21, y, "█".repeat(filled), h.load() > 0.9 ? TextColor.ANSI.RED : TextColor.ANSI.GREEN, false);
            in.text(21 + filled, y, "░".repeat(bar - filled), TextColor.ANSI.BLUE, false);
            in.text(22 + bar, y++, String.format(Locale.ROOT, "%4.0f%%", h.load() * 100));
        }
        in.text(0, y++, String.format(Locale.ROOT, "imbalance σ %.3f   (balancing above %.2f)", imbalance, threshold));
        if (managed) {
            y = managerLines(in, y, manager);
        }
        y++;
        if (migration == null) {
            in.text(0, y, managed ? "no migration yet: select a VM, press m, then a host's number"
                    : "one host only: start ./hv with no --store for the three-host datacenter", TextColor.ANSI.BLUE, false);
        } else {
            y = migration(in, y, migration);
        }
        in.text(0, in.height - 1, "m: migrate the VM   b: balance plan   B: do it", TextColor.ANSI.BLUE, false);
    }

    /** The patch report in one line (the worst first), and one line per replication. */
    private static int managerLines(Canvas in, int y, ManagerWatch.Seen seen) {
        List<String> flagged = seen.flagged().stream().map(s -> s.vm() + " (" + shortFlag(s.flags().getFirst()) + ")").toList();
        boolean bad = seen.flagged().stream().anyMatch(s -> s.flags().stream().anyMatch(f -> f.startsWith("UNPATCH")));
        in.text(0, y++, flagged.isEmpty() ? "patches  every VM up to date (:dc patches)"
                : "patches  " + flagged.size() + " flagged: " + String.join(", ", flagged), bad ? TextColor.ANSI.RED : TextColor.ANSI.YELLOW, bad);
        for (var r : seen.replicas()) {
            if (r.primary()) { // the VM held off its CPU per checkpoint, and its output held until the backup has it
                in.text(0, y++, String.format(Locale.ROOT, "replica  %s → %s · %s · %d checkpoints · held %.1f ms · output %.0f ms",
                        r.vm(), r.peer(), r.state().split(":")[0], r.epochsAcked(), r.lastPauseMicros() / 1000.0,
                        r.lastRoundTripMicros() / 1000.0), TextColor.ANSI.MAGENTA, false);
            } else if (r.state().startsWith("failed over")) {
                in.text(0, y++, "replica  " + r.vm() + " failed over from " + r.peer() + ": it runs on its backup", TextColor.ANSI.RED, true);
            }
        }
        return y;
    }

    private static String shortFlag(String flag) {
        if (flag.startsWith("UNPATCHED AGAIN")) return "revert undid a patch";
        if (flag.startsWith("UNPATCHABLE")) return "no fix";
        if (flag.startsWith("quarantined")) return "quarantined";
        return flag.contains("while") ? "off, missing" : "missing";
    }

    private static int migration(Canvas in, int y, MigrationWatch.Shown m) {
        String state = m.running() ? "pre-copy running" : m.report() != null ? "done" : "FAILED";
        in.text(0, y++, "migration " + m.vm() + " " + m.from() + " → " + m.to() + " · " + state,
                m.report() == null && !m.running() ? TextColor.ANSI.RED : TextColor.ANSI.YELLOW, true);
        in.text(0, y++, String.format(Locale.ROOT, "%3s %-13s %6s %6s %7s %7s", "rnd", "phase", "pages", "", "ms", "dirty/s"),
                TextColor.ANSI.DEFAULT, true);
        List<Progress> rounds = m.rounds();
        int room = Math.max(1, in.height - y - 3);
        int from = Math.max(0, rounds.size() - room);
        int most = rounds.stream().mapToInt(Progress::pages).max().orElse(1);
        for (int i = from; i < rounds.size(); i++) {
            Progress p = rounds.get(i);
            int width = (int) Math.ceil(6.0 * p.pages() / Math.max(1, most));
            in.text(0, y, String.format(Locale.ROOT, "%3d %-13s %6d", p.round(), p.phase(), p.pages()));
            in.text(25, y, "▇".repeat(width), p.phase().equals("stop-and-copy") ? TextColor.ANSI.RED : TextColor.ANSI.CYAN, false);
            in.text(31, y++, String.format(Locale.ROOT, " %7.1f %7.0f", p.roundMicros() / 1000.0, p.dirtyPagesPerSecond()));
        }
        if (m.report() != null) {
            in.text(0, y++, String.format(Locale.ROOT, "downtime %.1f ms · total %.0f ms · %d pages%s", m.report().downtimeMicros() / 1000.0,
                    m.report().totalMicros() / 1000.0, m.report().pagesSent(), m.report().secure() ? " TLS" : " PLAIN"),
                    TextColor.ANSI.GREEN, true);
        } else if (!m.running()) {
            in.text(0, y++, m.outcome(), TextColor.ANSI.RED, false);
        }
        return y;
    }
}
