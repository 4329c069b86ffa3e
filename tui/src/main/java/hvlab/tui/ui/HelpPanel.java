package hvlab.tui.ui;

/** F1: what the screen shows and what every key does. Any key closes it. */
final class HelpPanel {
    /** At most 20 lines of at most 72 characters: it must fit a 80x24 terminal. */
    private static final String[] TEXT = {
        "Left: hosts and VMs (● running, ‖ paused, ✗ crashed, ○ off). Right: the",
        "selected VM, in seven views: 1 info (CPU share, exits per second),",
        "2 console (its serial port), 3 exits (traps by kind: each privileged",
        "instruction of the kernel at CPL 3 is a #GP the VMM emulates), 4 history",
        "(snapshot tree, '◀ now', latest events), 5 log (trap by trap: the guest's",
        "instruction and the VMM's answer; f one kind, h hold), 6 vmi (the VM from",
        "outside: registers, IDT; I takes an integrity baseline, then checks it),",
        "7 screen (its CGA text screen at 0xB8000, as a monitor shows it).",
        "",
        "  ↑ ↓ / j k   select a VM          Tab, 1-7     change the view",
        "  s / R       start / reset        p / r        pause / resume",
        "  d / x       shutdown (the guest decides) / power off at once",
        "  i           type into the guest's console (Esc stops typing)",
        "  S           take a snapshot (revert: :snapshot revert VM NAME)",
        "  A           attest the VM (a host's ✓/✗ is its own attestation)",
        "  :           the management language, as in 'hv shell'",
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
