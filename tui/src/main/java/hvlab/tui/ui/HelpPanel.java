package hvlab.tui.ui;

/** F1: what the screen shows and what every key does. Any key closes it. */
final class HelpPanel {
    /** At most 20 lines of at most 72 characters: it must fit a 80x24 terminal. */
    private static final String[] TEXT = {
        "Left: hosts and VMs (● running, ‖ paused, ✗ crashed, ○ off). Right: the",
        "selected VM: 1 info, 2 console, 3 exits (traps by kind), 4 history",
        "(snapshot tree, events), 5 log (trap by trap; f one kind, h hold), 6 vmi",
        "(registers, IDT; I: integrity baseline, then checks), 7 hosts, 8 screen.",
        "",
        "  ↑ ↓ / j k   select a VM          Tab, 1-8     change the view",
        "  m then 1-3  migrate it live      b / B        balancer's plan / do it",
        "  s / R       start / reset        p / r        pause / resume",
        "  d / x       shutdown (the guest decides) / power off at once",
        "  i           type into the guest's console (Esc stops typing)",
        "  S           take a snapshot (revert: :snapshot revert VM NAME)",
        "  A           attest the VM (a host's ✓/✗ is its own attestation)",
        "  M           figure 4: the paper's assessment beside hvlab's measured one",
        "  :           the management language as in 'hv shell' (Tab, ↑↓ history)",
        "              e.g.  vm create web --guest counter   vm info web",
        "  q, Ctrl-C   quit (this embedded datacenter's VMs stop with it)",
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
