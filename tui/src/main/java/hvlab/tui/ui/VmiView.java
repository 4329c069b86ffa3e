package hvlab.tui.ui;

import com.googlecode.lanterna.TextColor;
import hvlab.vmm.vmi.IntegrityBaseline;
import hvlab.vmm.vmi.KernelBaseline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * View 6: the VM seen from outside (paper IV.C.7). Its registers as the guest believes them, the
 * interrupt table its kernel loaded, and Livewire's integrity check against a baseline: green
 * while the IDT and the handlers are as they were, red with every change once a rootkit hooks
 * them. I takes the baseline (while the guest is clean) and keeps checking; the command line
 * does the rest ({@code :vmi scan NAME}, {@code :vmi restore NAME --idt 0x80}). For a guest with
 * an OS profile (hvos) the view shows its kernel's own process table instead of the IDT, and the
 * check covers the kernel's text and system-call table too: a hooked system call shows red
 * with where it pointed and where it points now ({@code :vmi restore NAME --syscall N}).
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
        // Registers, dense: the general ones three to a line, then the system state the VMM keeps.
        Map<String, String> r = vmi.registers;
        int y = 0;
        String[][] rows = {{"eax", "ebx", "ecx"}, {"edx", "esi", "edi"}, {"ebp", "esp", "eip"}, {"cpl", "if", "cr0", "cr3"},
                {"idtr", "gdtr"}};
        for (String[] names : rows) {
            StringBuilder line = new StringBuilder();
            for (String name : names) {
                if (r.containsKey(name)) {
                    line.append(name).append(' ').append(r.get(name)).append("  ");
                }
            }
            if (!line.isEmpty()) {
                in.text(0, y++, line.toString().stripTrailing());
            }
        }
        y++;
        List<Line> verdict = integrity(vmi);
        int room = Math.max(1, in.height - 1 - verdict.size() - y - 1);
        if (vmi.processes != null) {
            in.text(0, y++, "kernel's process table (" + vmi.processes.size() + ")", TextColor.ANSI.DEFAULT, true);
            for (int i = 0; i < Math.min(room, vmi.processes.size()); i++) {
                var p = vmi.processes.get(i);
                in.text(2, y++, String.format("%4d %-9s %s", p.pid(), p.state(), p.name()));
            }
        } else {
            in.text(0, y++, "IDT (" + vmi.gates.size() + " present gates)", TextColor.ANSI.DEFAULT, true);
            for (int i = 0; i < Math.min(room, vmi.gates.size()); i++) {
                in.text(2, y++, vmi.gates.get(i).describe());
            }
        }
        y = Math.max(y, in.height - 1 - verdict.size());
        for (Line line : verdict) {
            if (y < in.height - 1) {
                in.text(line.indent(), y++, line.text(), line.color(), line.bold());
            }
        }
        in.text(0, in.height - 1, "I: baseline, then check  (:vmi scan / restore)", TextColor.ANSI.BLUE, false);
    }

    private record Line(int indent, String text, TextColor color, boolean bold) {}

    /** The integrity verdict, a finding on three lines (what, was, now) so that it fits 48 columns. */
    private static List<Line> integrity(VmiState vmi) {
        List<Line> lines = new ArrayList<>();
        if (vmi.integrity == null) {
            lines.add(new Line(0, "integrity: no baseline yet", TextColor.ANSI.DEFAULT, false));
        } else if (vmi.integrity.findings().isEmpty()) {
            lines.add(new Line(0, "integrity: clean, " + vmi.integrity.gatesWatched() + " gates as in the baseline",
                    TextColor.ANSI.GREEN, true));
        } else {
            lines.add(new Line(0, "integrity: CHANGED since the baseline", TextColor.ANSI.RED, true));
            for (IntegrityBaseline.Finding f : vmi.integrity.findings()) {
                lines.add(new Line(2, String.format("vector 0x%02x: %s changed", f.vector(), f.what()), TextColor.ANSI.RED, false));
                lines.add(new Line(4, "was " + f.was(), TextColor.ANSI.RED, false));
                lines.add(new Line(4, "now " + f.now(), TextColor.ANSI.RED, false));
            }
        }
        if (vmi.kernel != null && vmi.kernel.findings().isEmpty()) {
            lines.add(new Line(0, "kernel: clean, text and " + vmi.kernel.syscalls() + " system calls", TextColor.ANSI.GREEN, true));
        } else if (vmi.kernel != null) {
            lines.add(new Line(0, "kernel: CHANGED since the baseline", TextColor.ANSI.RED, true));
            for (KernelBaseline.Finding f : vmi.kernel.findings()) {
                lines.add(new Line(2, f.what() + " changed", TextColor.ANSI.RED, false));
                lines.add(new Line(4, "was " + f.was(), TextColor.ANSI.RED, false));
                lines.add(new Line(4, "now " + f.now(), TextColor.ANSI.RED, false));
            }
        }
        return lines;
    }
}
