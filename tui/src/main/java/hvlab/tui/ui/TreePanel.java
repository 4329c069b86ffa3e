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
        List<String> hosts = model.hosts().stream().map(h -> h.name()).toList();
        if (rows.isEmpty() && hosts.size() == 1) {
            hosts = List.of(); // one host and no VM: the hint below says what to do
        }
        String selectedHost = selected == null ? null : selected.host;
        // Every host's title is always shown; when the VMs do not all fit, hosts other than the
        // selected VM's show their first few, and the selected VM's host a window around it.
        int vmLines = in.height - hosts.size();
        int others = 0;
        for (String host : hosts) {
            if (!host.equals(selectedHost)) others += Math.min(2, count(rows, host));
        }
        boolean fits = rows.size() <= vmLines;
        for (String host : hosts) {
            List<VmRow> mine = rows.stream().filter(r -> r.host.equals(host)).toList();
            long running = mine.stream().filter(VmRow::active).count();
            String mark = model.hostMark(host);
            String title = "▾ host " + host + "  (" + running + "/" + mine.size() + " on)";
            in.text(0, y, title, TextColor.ANSI.CYAN, true);
            if (!mark.isEmpty()) { // the host's attestation: the proper VMM (✓) or not (✗)
                in.text(title.length() + 1, y, mark, mark.equals("✓") ? TextColor.ANSI.GREEN : TextColor.ANSI.RED, true);
            }
            y++;
            int quota = fits ? mine.size() : host.equals(selectedHost) ? Math.max(1, vmLines - others) : Math.min(2, mine.size());
            int from = 0;
            if (mine.size() > quota && mine.contains(selected)) {
                from = Math.max(0, Math.min(mine.indexOf(selected) - quota / 2, mine.size() - quota));
            }
            for (int i = from; i < Math.min(mine.size(), from + quota) && y < in.height; i++) {
                VmRow row = mine.get(i);
                boolean cut = i == from + quota - 1 && i < mine.size() - 1 && row != selected;
                String state = row.info.state();
                String share = row.active() ? String.format(Locale.ROOT, "%3.0f%%", row.info.share() * 100) : "";
                String line = cut ? "  … " + (mine.size() - i) + " more"
                        : String.format(Locale.ROOT, "  %s %-12s %-9s %s", mark(state), row.name, state, share);
                if (row == selected) {
                    in.bar(y++, line);
                } else {
                    in.text(0, y++, line, cut ? TextColor.ANSI.BLUE : colour(state), false);
                }
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

    private static int count(List<VmRow> rows, String host) {
        return (int) rows.stream().filter(r -> r.host.equals(host)).count();
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
