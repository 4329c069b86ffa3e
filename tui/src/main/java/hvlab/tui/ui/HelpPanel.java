package hvlab.tui.ui;

/** F1: what the screen shows and what every key does. Any key closes it. */
final class HelpPanel {
    private static final String[] TEXT = {
        "hvlab: a hypervisor you can watch from the inside",
        "",
        "Left: the datacenter, hosts and their VMs (● running, ‖ paused, ✗ crashed, ○ off).",
        "Right: the selected VM. Views: 1 overview (CPU share and VM exits per second),",
        "2 console (its serial port), 3 exits (traps by kind: every privileged",
        "instruction the guest kernel runs at CPL 3 is a #GP the VMM emulates),",
        "4 history (its snapshot tree, '◀ now' where it is, and its latest events),",
        "5 log (its traps one by one: the guest's instruction and what the VMM did;",
        "sampled: a burst of 256, then 20 a second; f: one kind, h holds it still).",
        "",
        "  ↑ ↓ / j k   select a VM          Tab, 1-5     change the view",
        "  s / R       start / reset        p / r        pause / resume",
        "  d / x       shutdown (power button: the guest decides) / power off at once",
        "  i           type into the guest's console (Esc stops typing)",
        "  S           take a snapshot (revert with :snapshot revert VM NAME)",
        "  :           command line: the management language, as in 'hv shell'",
        "              e.g.  vm create web --guest counter   vm info web",
        "  q, Ctrl-C   quit (the VMs of this embedded datacenter stop with it)",
        "",
        "Press any key to go back.",
    };

    private HelpPanel() {}

    static void draw(Canvas screen) {
        int width = Math.min(screen.width - 4, 84);
        int height = Math.min(screen.height - 2, TEXT.length + 2);
        Canvas box = screen.inner((screen.width - width) / 2, Math.max(1, (screen.height - height) / 2), width, height);
        for (int y = 0; y < box.height; y++) {
            box.text(0, y, " ".repeat(box.width));
        }
        box.frame("help");
        Canvas in = box.inside();
        for (int i = 0; i < TEXT.length; i++) {
            in.text(1, i, TEXT[i]);
        }
    }
}
