package hvlab.tui.ui;

import com.googlecode.lanterna.TextColor;
import hvlab.vmm.TrapRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * View 5, the trap log: the VM's exits one by one, each with the guest's instruction and what
 * the VMM did about it, newest at the bottom. A guest may trap a million times a second, so the
 * VMM samples (at most {@code perSecond} records a second) and the header says how many there
 * were in all. {@code f} shows one kind only, {@code h} holds the picture still for reading.
 * Kinds are shortened to fit: priv (a privileged instruction, #GP emulated), io, irq (an
 * interrupt delivered through the guest's IDT), hcall, cpuid, fault, bt (binary translation).
 */
final class TrapLogView {
    private TrapLogView() {}

    static void draw(Canvas in, VmRow row) {
        TrapLogState log = row.trapLog;
        String filter = log.filter == null ? "all kinds" : log.filter + " only";
        in.text(0, 0, String.format(Locale.ROOT, "%s traps, %d/s sampled, %s%s", count(log.seen), log.perSecond,
                filter, log.held ? ", HELD" : ""), log.held ? TextColor.ANSI.YELLOW : TextColor.ANSI.DEFAULT, true);
        List<TrapRecord> shown = log.shown();
        // Newest at the bottom: records from the newest up, each whole, while they fit.
        int room = in.height - 2;
        List<Line> lines = new ArrayList<>();
        for (int i = shown.size() - 1; i >= 0; i--) {
            List<Line> record = lines(shown.get(i), in.width);
            if (lines.size() + record.size() > room) {
                break;
            }
            lines.addAll(0, record);
        }
        for (int i = 0; i < lines.size(); i++) {
            in.text(0, 1 + i, lines.get(i).text(), lines.get(i).color(), false);
        }
        if (shown.isEmpty()) {
            in.text(0, 1, row.active() ? "no traps sampled yet" : "no traps sampled: start the VM to see them");
        }
        in.text(0, in.height - 1, "f: one kind / all   h: hold / go on", TextColor.ANSI.BLUE, false);
    }

    private record Line(String text, TextColor color) {}

    /**
     * One line when it fits; else the VMM's answer goes on a second line under the instruction,
     * so that nothing is cut off in 80 columns.
     */
    private static List<Line> lines(TrapRecord r, int width) {
        String head = String.format(Locale.ROOT, "%06x %-5s %s", r.eip() & 0xFFFFFF, shortKind(r.kind()), r.instruction());
        String answer = "→ " + r.action();
        TextColor color = color(r.kind());
        if (head.length() + 1 + answer.length() <= width) {
            return List.of(new Line(head + " " + answer, color));
        }
        return List.of(new Line(head, color), new Line(" ".repeat(13) + answer, color));
    }

    /** Five letters at most, so instruction and action fit beside it in 80 columns. */
    private static String shortKind(String kind) {
        return switch (kind) {
            case "privileged" -> "priv";
            case "interrupt" -> "irq";
            case "hypercall" -> "hcall";
            case "translated" -> "bt";
            default -> kind;
        };
    }

    private static TextColor color(String kind) {
        return switch (kind) {
            case "privileged" -> TextColor.ANSI.YELLOW;
            case "io" -> TextColor.ANSI.CYAN;
            case "interrupt" -> TextColor.ANSI.GREEN;
            case "fault", "stop" -> TextColor.ANSI.RED;
            default -> TextColor.ANSI.DEFAULT;
        };
    }

    private static String count(long n) {
        return n >= 1_000_000 ? String.format(Locale.ROOT, "%.1fM", n / 1e6) : Long.toString(n);
    }
}
