package hvlab.tui.ui;

import com.googlecode.lanterna.TextColor;
import hvlab.vmm.vmi.IdtGate;
import hvlab.vmm.vmi.IntegrityBaseline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * View 6: the VM seen from outside (paper IV.C.7). Its registers as the guest believes them, the
 * interrupt table its kernel loaded, and Livewire's integrity check against a baseline: green
 * while the IDT and the handlers are as they were, red with every change once a rootkit hooks
 * them. I takes the baseline (while the guest is clean) and keeps checking; the command line
 * does the rest ({@code :vmi scan NAME}, {@code :vmi restore NAME --idt 0x80}).
 */
final class VmiView {
    private VmiView() {}

    static void draw(Canvas in, VmRow row) {
        VmiState vmi = row.vmi;
        if (!row.active()) {
            in.text(0, 0, "start the VM to look inside it");
            return;
        }
        if (vmi.problem != null) {
            in.text(0, 0, vmi.problem, TextColor.ANSI.RED, false);
            return;
        }
        int y = 0;
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, String> e : vmi.registers.entrySet()) {
            pairs.add(String.format("%-4s %s", e.getKey(), e.getValue()));
        }
        int columns = Math.max(1, in.width / 17);
        for (int i = 0; i < pairs.size(); i += columns) {
            StringBuilder line = new StringBuilder();
            for (int j = i; j < Math.min(i + columns, pairs.size()); j++) {
                line.append(String.format("%-17s", pairs.get(j)));
            }
            in.text(0, y++, line.toString().stripTrailing());
        }
        y++;
        in.text(0, y++, "IDT (" + vmi.gates.size() + " present gates)", TextColor.ANSI.DEFAULT, true);
        int room = in.height - y - 4;
        for (int i = 0; i < Math.min(room, vmi.gates.size()); i++) {
            IdtGate gate = vmi.gates.get(i);
            in.text(2, y++, gate.describe());
        }
        y = Math.max(y, in.height - 4);
        if (vmi.integrity == null) {
            in.text(0, y, "integrity: no baseline yet", TextColor.ANSI.DEFAULT, false);
        } else if (vmi.integrity.findings().isEmpty()) {
            in.text(0, y, "integrity: clean, " + vmi.integrity.gatesWatched() + " gates as in the baseline", TextColor.ANSI.GREEN, true);
        } else {
            in.text(0, y++, "integrity: CHANGED since the baseline", TextColor.ANSI.RED, true);
            for (IntegrityBaseline.Finding f : vmi.integrity.findings()) {
                if (y < in.height - 1) {
                    in.text(2, y++, f.describe(), TextColor.ANSI.RED, false);
                }
            }
        }
        in.text(0, in.height - 1, "I: baseline, then check   :vmi scan " + row.name + "   :vmi restore " + row.name + " --idt V",
                TextColor.ANSI.BLUE, false);
    }
}
