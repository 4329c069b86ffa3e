package hvlab.tui.ui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.screen.Screen;

import java.io.IOException;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The terminal UI: a live view of the datacenter that a class can watch. It draws the model
 * four times a second and answers keys at once; all it knows of the VMs it learns by sampling
 * (see {@link DatacenterModel}). Works in 80x24 and uses more room when there is more.
 *
 * <pre>
 *  hvlab ─ title bar with the time ───────────────────────────────────────────
 *  ┌ datacenter ──────────┐┌ web · running · trap mode  [1 overview] 2 ... ┐
 *  │ ▾ host local         ││ cpu share ▂▃▅▆                                 │
 *  │   ● web    running   ││ exits/s   ▅▆▇                                  │
 *  └──────────────────────┘└────────────────────────────────────────────────┘
 *  > last command or message (three lines)
 *  F1 help  ↑↓ select  s start ...
 * </pre>
 */
public final class DatacenterUi {
    static final TerminalSize MINIMUM = new TerminalSize(80, 24);
    private static final long REFRESH_NANOS = 250_000_000;
    private static final int MESSAGE_LINES = 4;

    private final Screen screen;
    private final DatacenterModel model;
    private final Controller controller;

    private final CommandRunner commands;

    public DatacenterUi(Screen screen, List<hvlab.vmm.host.HostControl> hosts, CommandRunner commands) {
        this(screen, hosts, commands, null);
    }

    /**
     * The UI over the hosts of a datacenter whose manager is {@code datacenter} (null: hosts on
     * their own). Its command line then also takes the manager's {@code dc ...} commands.
     */
    public DatacenterUi(Screen screen, List<hvlab.vmm.host.HostControl> hosts, CommandRunner commands,
                        hvlab.vmmm.manager.Datacenter datacenter) {
        this.screen = screen;
        this.model = new DatacenterModel(hosts, datacenter);
        this.commands = model.manager() == null ? commands : line -> {
            List<String> words = List.of(line.strip().split("\\s+"));
            if (!words.getFirst().equals("dc")) {
                return commands.run(line);
            }
            try {
                return model.manager().run(words.subList(1, words.size()));
            } catch (IllegalArgumentException | java.io.IOException e) {
                throw new IllegalStateException(e.getMessage());
            }
        };
        this.controller = new Controller(model, this.commands);
    }

    /** What a typed line runs: the management language, and {@code dc ...} when there is a datacenter. */
    public CommandRunner commands() {
        return commands;
    }

    /** Runs until the user quits. The screen must be started; the caller stops it. */
    public void run() throws IOException, InterruptedException {
        long nextRefresh = 0;
        while (!controller.quit) {
            long now = System.nanoTime();
            if (now >= nextRefresh) {
                model.refresh(controller.view);
                nextRefresh = now + REFRESH_NANOS;
            }
            boolean keys = false;
            for (KeyStroke key = screen.pollInput(); key != null && !controller.quit; key = screen.pollInput()) {
                controller.handle(key);
                keys = true;
            }
            if (keys) {
                model.refresh(controller.view);
            }
            screen.doResizeIfNecessary();
            draw();
            screen.refresh(Screen.RefreshType.DELTA);
            Thread.sleep(keys ? 5 : 40);
        }
    }

    /** Shows {@code message} in the message area, as a key's result would be. */
    public void say(String message) {
        controller.say(message);
    }

    /** Plays {@code lecture}: its captions and command output take the message area; Space advances. */
    public void play(Lecture lecture, CommandRunner commands) {
        controller.lecture = new LecturePlayer(lecture, commands);
    }

    /** For the tests of this package, which press keys and read the screen frame by frame. */
    Controller controller() {
        return controller;
    }

    DatacenterModel model() {
        return model;
    }

    public boolean quitRequested() {
        return controller.quit;
    }

    /** Draws one frame (also for tests, which then read the virtual terminal). */
    void draw() {
        screen.clear();
        TerminalSize size = screen.getTerminalSize();
        Canvas all = new Canvas(screen.newTextGraphics(), 0, 0, size.getColumns(), size.getRows());
        if (size.getColumns() < MINIMUM.getColumns() || size.getRows() < MINIMUM.getRows()) {
            all.text(0, 0, "hvlab needs a terminal of at least 80x24 (this one is "
                    + size.getColumns() + "x" + size.getRows() + "); make it larger, or press q");
            return;
        }
        all.bar(0, " hvlab · a hypervisor you can watch from the inside"
                + " ".repeat(Math.max(1, size.getColumns() - 60)) + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")));
        int bodyHeight = size.getRows() - 2 - MESSAGE_LINES;
        int treeWidth = Math.max(30, size.getColumns() / 3);
        TreePanel.draw(all.inner(0, 1, treeWidth, bodyHeight), model);
        Canvas right = all.inner(treeWidth, 1, size.getColumns() - treeWidth, bodyHeight);
        if (controller.view == VmPanel.View.DATACENTER) {
            right.frame(model.hosts().size() + " host" + (model.hosts().size() == 1 ? "" : "s") + " · [7 hosts] · 1-6, 8: the VM's views");
            var hosts = model.hostRows();
            double imbalance = hvlab.vmmm.balance.BalancePolicy.imbalance(hosts.stream()
                    .map(h -> new hvlab.vmmm.balance.HostLoad(h.name(), 1, List.of(new hvlab.vmmm.balance.VmLoad(h.name(), h.load(), 0, null, false))))
                    .toList());
            DatacenterView.draw(right.inside(), hosts, imbalance, hvlab.vmmm.balance.BalancePolicy.DEFAULT.threshold(),
                    model.migration.shown(), model.managerWatch == null ? null : model.managerWatch.seen());
        } else {
            VmPanel.draw(right, model.selectedRow(), controller.view, controller.typing);
        }
        messages(all.inner(0, 1 + bodyHeight, size.getColumns(), MESSAGE_LINES));
        all.bar(size.getRows() - 1, Controller.KEYS);
        if (controller.matrix.open) {
            MatrixPanel.draw(all, controller.matrix);
        }
        if (controller.help) {
            HelpPanel.draw(all);
        }
    }

    private void messages(Canvas area) {
        if (controller.lecture != null && controller.commandLine == null) {
            List<String> lines = controller.lecture.lines();
            if (!lines.isEmpty()) {
                area.text(0, 0, lines.get(0), TextColor.ANSI.YELLOW, true);
            }
            int from = Math.max(1, lines.size() - (area.height - 1));
            for (int i = from; i < lines.size(); i++) {
                area.text(0, 1 + i - from, lines.get(i));
            }
            return;
        }
        if (controller.commandLine != null) {
            List<String> out = controller.output;
            for (int i = 0; i < Math.min(out.size(), area.height - 1); i++) {
                area.text(0, i, out.get(Math.max(0, out.size() - (area.height - 1)) + i));
            }
            area.text(0, area.height - 1, ": " + controller.commandLine + "█", TextColor.ANSI.YELLOW, true);
            return;
        }
        List<String> out = controller.output;
        int from = Math.max(0, out.size() - area.height);
        for (int i = from; i < out.size(); i++) {
            area.text(0, i - from, out.get(i));
        }
    }
}
