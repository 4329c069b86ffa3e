package hvlab.tui.ui;

import com.googlecode.lanterna.TextColor;

import java.util.List;
import java.util.Locale;

/**
 * The datacenter as a tree: each host, and under it its VMs with their state and CPU share.
 * The selected VM is shown in reverse video; a small mark tells the state at a glance, and one
 * beside each host its attestation (✓ its TPM's quote matches the reference measurements of the
 * VMM, ✗ it does not), renewed every ten seconds.
 */
final class TreePanel {
    private TreePanel() {}

    static void draw(Canvas canvas, DatacenterModel model) {
        canvas.frame("datacenter");
        Canvas in = canvas.inside();
        List<VmRow> rows = model.rows();
        VmRow selected = model.selectedRow();
        int y = 0;
        String host = null;
        for (VmRow row : rows) {
            if (!row.host.equals(host)) {
                host = row.host;
                long running = rows.stream().filter(r -> r.host.equals(row.host) && r.active()).count();
                long all = rows.stream().filter(r -> r.host.equals(row.host)).count();
                String mark = model.hostMark(host);
                String title = "▾ host " + host + "  (" + running + "/" + all + " on)";
                in.text(0, y, title, TextColor.ANSI.CYAN, true);
                if (!mark.isEmpty()) { // the host's attestation: the proper VMM (✓) or not (✗)
                    in.text(title.length() + 1, y, mark, mark.equals("✓") ? TextColor.ANSI.GREEN : TextColor.ANSI.RED, true);
                }
                y++;
            }
            String state = row.info.state();
            String share = row.active() ? String.format(Locale.ROOT, "%3.0f%%", row.info.share() * 100) : "";
            String line = String.format(Locale.ROOT, "  %s %-12s %-9s %s", mark(state), row.name, state, share);
            if (row == selected) {
                in.bar(y++, line);
            } else {
                in.text(0, y++, line, colour(state), false);
            }
            if (y >= in.height) {
                break;
            }
        }
        if (rows.isEmpty()) {
            in.text(0, 0, "no VMs: create one with");
            in.text(0, 1, ": vm create NAME --guest G");
        }
    }

    static String mark(String state) {
        return switch (state) {
            case "running" -> "●";
            case "paused" -> "‖";
            case "shutting-down" -> "↓";
            case "crashed" -> "✗";
            default -> "○";
        };
    }

    private static TextColor colour(String state) {
        return switch (state) {
            case "running" -> TextColor.ANSI.GREEN;
            case "paused", "shutting-down" -> TextColor.ANSI.YELLOW;
            case "crashed" -> TextColor.ANSI.RED;
            default -> TextColor.ANSI.DEFAULT;
        };
    }
}
