package hvlab.tui.ui;

import com.googlecode.lanterna.TextColor;
import hvlab.vmm.host.VmInfo;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The selected VM, in one of seven views: an overview (state, CPU share and exits per second as
 * sparklines, memory and devices), its console (live serial output; in typing mode, keys go to
 * the guest), its exits by kind, the view of the trap-and-emulate machinery at work, and its
 * history: the snapshot tree and the latest events of its life (paper IV.E.3), and its trap log
 * ({@link TrapLogView}), what introspection sees from outside ({@link VmiView}), and its text screen.
 */
final class VmPanel {
    enum View {
        OVERVIEW("info"), CONSOLE("console"), TRAPS("exits"), HISTORY("history"), TRAP_LOG("log"), VMI("vmi"),
        /** Not the VM's: the whole datacenter ({@link DatacenterView}), drawn in this panel's place. */
        DATACENTER("hosts"),
        SCREEN("screen");

        final String label;

        View(String label) {
            this.label = label;
        }
    }

    private VmPanel() {}

    static void draw(Canvas canvas, VmRow row, View view, boolean typing) {
        if (row == null) {
            canvas.frame("no VM selected");
            return;
        }
        VmInfo info = row.info;
        canvas.frame(row.name + " · " + info.state() + " · " + info.modeDescription());
        Canvas all = canvas.inside();
        // One space between tabs so that six fit in 80 columns; the selected one's brackets take
        // the spaces around it, so it is drawn last.
        int x = 0;
        int selectedAt = 0;
        for (View each : View.values()) {
            if (each.ordinal() >= View.DATACENTER.ordinal() && x + each.label.length() + 3 > all.width) break; // where it fits; F1 names the rest
            String label = (each.ordinal() + 1) + " " + each.label;
            if (each == view) {
                selectedAt = x;
            } else {
                all.text(x + 1, 0, label, TextColor.ANSI.BLUE, false);
            }
            x += label.length() + 1;
        }
        all.text(selectedAt, 0, "[" + (view.ordinal() + 1) + " " + view.label + "]", TextColor.ANSI.YELLOW, true);
        Canvas in = all.inner(0, 1, all.width, all.height - 1);
        switch (view) {
            case OVERVIEW -> overview(in, row);
            case CONSOLE -> console(in, row, typing);
            case TRAPS -> exits(in, row);
            case HISTORY -> history(in, row);
            case TRAP_LOG -> TrapLogView.draw(in, row);
            case VMI -> VmiView.draw(in, row);
            case DATACENTER -> { } // drawn by DatacenterUi instead of this panel
            case SCREEN -> screen(in, row);
        }
    }

    private static void overview(Canvas in, VmRow row) {
        VmInfo info = row.info;
        int spark = Math.max(10, in.width - 34);
        in.text(0, 0, String.format(Locale.ROOT, "guest   %s", info.guest()));
        in.text(0, 1, String.format(Locale.ROOT, "memory  %d MiB    weight %d    cap %s", info.memoryBytes() >> 20, info.weight(),
                info.cap() == 0 ? "none" : info.cap() + "%"));
        in.text(0, 2, String.format(Locale.ROOT, "clock   %.1f s virtual  cpu %.1f s  capped %.1f s",
                info.virtualMillis() / 1000.0, info.cpuMillis() / 1000.0, info.throttledMillis() / 1000.0));
        in.text(0, 4, String.format(Locale.ROOT, "cpu share   %5.1f%%  ", info.share() * 100), TextColor.ANSI.DEFAULT, true);
        in.text(20, 4, Sparkline.of(row.share.values(), spark, 1.0), TextColor.ANSI.GREEN, false);
        in.text(0, 5, String.format(Locale.ROOT, "exits/s  %8s  ", rate(row.exits.latest())), TextColor.ANSI.DEFAULT, true);
        in.text(20, 5, Sparkline.of(row.exits.values(), spark, 0), TextColor.ANSI.CYAN, false);
        in.text(0, 6, String.format(Locale.ROOT, "guest speed ~%.0f MIPS (share x host ALU speed)", info.mips()));
        int y = 8;
        in.text(0, y++, "devices", TextColor.ANSI.DEFAULT, true);
        in.text(2, y++, "COM1 (0x3F8, IRQ4)  PICs 8259  PIT 8254 (IRQ0)");
        in.text(2, y++, "RTC (0x70)  power button (0x4F0)  genid 0x4E0");
        in.text(2, y++, "debug exit (0xF4)  vTPM (0x4C0)" + (info.disk() == null ? "" : "  ATA disk (0x1F0, IRQ14) " + info.disk()));
        if (info.network() != null) {
            in.text(2, y++, "NIC (0x500, IRQ11) on " + info.network() + ", " + info.mac());
            y = alerts(in, y, row);
        }
        y++;
        recording(in, y++, row);
        if (info.lastExit() != null) {
            in.text(0, y + 1, "last end: " + info.lastExit(), info.state().equals("crashed") ? TextColor.ANSI.RED : TextColor.ANSI.DEFAULT, false);
        }
    }

    /** The IDS on the VM's network (paper IV.C.11, a switch's mirror port): how many alerts, and the latest. */
    private static int alerts(Canvas in, int y, VmRow row) {
        if (row.alerts.isEmpty()) {
            return y;
        }
        var last = row.alerts.getLast();
        in.text(2, y++, "IDS: " + row.alerts.size() + " alert" + (row.alerts.size() == 1 ? "" : "s") + " on " + last.network()
                + " (:net alerts)", TextColor.ANSI.RED, true);
        in.text(4, y++, last.port() + ": " + last.message(), TextColor.ANSI.RED, false);
        return y;
    }

    /** One line on the VM's recording for deterministic replay (DESIGN.md section 14), if it has one. */
    private static void recording(Canvas in, int y, VmRow row) {
        hvlab.vmm.host.RecordingInfo r = row.recording;
        if (r == null || (!r.active() && r.events() == 0)) {
            in.text(0, y, "replay  not recorded   (:vm start " + row.name + " --record)", TextColor.ANSI.BLUE, false);
            return;
        }
        String state = r.active() ? "● recording" : r.complete() ? "recorded" : "recorded, cut short";
        in.text(0, y, String.format(Locale.ROOT, "replay  %s: %,d events, %,d bytes, %.1f s of guest time   (:vm replay %s)",
                state, r.events(), r.bytes(), r.virtualNanos() / 1e9, row.name), r.active() ? TextColor.ANSI.RED : TextColor.ANSI.DEFAULT, r.active());
    }

    /**
     * The VM's CGA text screen, as a monitor plugged into it would show it (80x25; a smaller
     * panel shows its top left). A guest that only uses its serial port leaves it blank.
     */
    private static void screen(Canvas in, VmRow row) {
        int shown = Math.min(row.screen.size(), in.height - 1);
        for (int i = 0; i < shown; i++) {
            in.text(0, i, row.screen.get(i));
        }
        in.text(0, in.height - 1, row.screen.isEmpty() ? "no screen: the VM is not running"
                : "the CGA text screen at 0xB8000 (xv6 writes its console there too)", TextColor.ANSI.BLUE, false);
    }

    private static void console(Canvas in, VmRow row, boolean typing) {
        int lines = in.height - 1;
        List<String> tail = row.console.last(lines);
        for (int i = 0; i < tail.size(); i++) {
            in.text(0, i, tail.get(i));
        }
        String hint = typing ? "typing into the guest's serial port: Esc stops" : "i: type into the guest";
        in.text(0, in.height - 1, hint, typing ? TextColor.ANSI.YELLOW : TextColor.ANSI.BLUE, typing);
    }

    private static void exits(Canvas in, VmRow row) {
        int spark = Math.max(10, in.width - 36);
        in.text(0, 0, String.format(Locale.ROOT, "%-11s %12s %9s  %s", "kind", "total", "per s", "last " + VmRow.HISTORY / 4 + " s"),
                TextColor.ANSI.DEFAULT, true);
        int y = 1;
        // In a fixed order: the host's map has none, and rows that swap places between frames cannot be watched.
        for (Map.Entry<String, Long> entry : new java.util.TreeMap<>(row.info.traps()).entrySet()) {
            RateHistory rates = row.exitsByKind.get(entry.getKey());
            double now = rates == null ? 0 : rates.latest();
            in.text(0, y, String.format(Locale.ROOT, "%-11s %12d %9s  ", entry.getKey(), entry.getValue(), rate(now)));
            if (rates != null) {
                in.text(36, y, Sparkline.of(rates.values(), spark, 0), TextColor.ANSI.CYAN, false);
            }
            y++;
        }
        y++;
        in.text(0, y++, "privileged  kernel instruction: #GP, emulated");
        in.text(0, y++, "io          port I/O, to a virtual device");
        in.text(0, y++, "interrupt   delivered through the guest's IDT");
        in.text(0, y++, "translated  caught by binary translation (bt)");
        in.text(0, y++, "shadow-pf   a page the VMM's shadow lacked, filled unseen");
        in.text(0, y++, "mmio        a load or store to device memory (the APICs)");
        if (row.info.readsAnswered() > 0 && y < in.height) {
            in.text(0, y++, "no exit     " + row.info.readsAnswered() + " reads of the APIC ID, answered by the CPU");
        }
        if (!row.info.paging().isEmpty() && y + 2 < in.height) {
            y++;
            in.text(0, y++, "shadow MMU (a paging guest's memory: refills, kept entries, moved frames)", TextColor.ANSI.DEFAULT, true);
            if (!row.info.pagingScheme().isEmpty() && y < in.height) {
                in.text(0, y++, row.info.pagingScheme());
            }
            StringBuilder line = new StringBuilder();
            for (Map.Entry<String, Long> count : row.info.paging().entrySet()) {
                String item = count.getKey() + " " + count.getValue();
                if (count.getValue() == 0) {
                    continue;
                }
                if (!line.isEmpty() && line.length() + 3 + item.length() > in.width && y < in.height) {
                    in.text(0, y++, line.toString());
                    line.setLength(0);
                }
                line.append(line.isEmpty() ? "" : " · ").append(item);
            }
            if (!line.isEmpty() && y < in.height) {
                in.text(0, y, line.toString());
            }
        }
    }

    private static void history(Canvas in, VmRow row) {
        List<String> lines = row.history;
        int room = in.height - 1;
        for (int i = 0; i < Math.min(room, lines.size()); i++) {
            String line = lines.get(i);
            boolean heading = !line.startsWith(" ") && !line.isEmpty() && Character.isLetter(line.charAt(0));
            in.text(0, i, line, line.contains("◀ now") ? TextColor.ANSI.GREEN : TextColor.ANSI.DEFAULT, heading || line.contains("◀ now"));
        }
        in.text(0, in.height - 1, "S: take a snapshot   :snapshot revert " + row.name + " NAME   :vm history " + row.name,
                TextColor.ANSI.BLUE, false);
    }

    static String rate(double perSecond) {
        if (perSecond >= 1e6) return String.format(Locale.ROOT, "%.1fM", perSecond / 1e6);
        if (perSecond >= 1e4) return String.format(Locale.ROOT, "%.0fk", perSecond / 1e3);
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }
}
