package hvlab.tui.ui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import hvlab.vmm.host.HostControl;

import java.io.IOException;
import java.util.List;

/**
 * The whole terminal UI, open on a virtual terminal in a thread of its own: what a class's
 * projector shows, without the projector. It samples the hosts, draws every frame and runs
 * commands exactly as {@code ./hv} does, so a benchmark can ask what watching a VM costs it
 * (the UI must read the VMs without slowing them).
 */
public final class HeadlessUi implements AutoCloseable {
    private final DefaultVirtualTerminal terminal = new DefaultVirtualTerminal(new TerminalSize(120, 40));
    private final TerminalScreen screen;
    private final Thread thread;
    private volatile Throwable failure;

    /** Opens the UI over {@code hosts} and presses {@code keys} (e.g. '2' for the console view). */
    public HeadlessUi(List<HostControl> hosts, String keys) throws IOException {
        screen = new TerminalScreen(terminal);
        screen.startScreen();
        DatacenterUi ui = new DatacenterUi(screen, hosts, line -> List.of());
        for (char key : keys.toCharArray()) {
            terminal.addInput(new KeyStroke(key, false, false));
        }
        thread = new Thread(() -> {
            try {
                ui.run();
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure = t;
            }
        }, "hvlab-headless-ui");
        thread.setDaemon(true);
        thread.start();
    }

    /** What the screen shows now, line by line. */
    public String screenText() {
        StringBuilder text = new StringBuilder();
        TerminalSize size = terminal.getTerminalSize();
        for (int y = 0; y < size.getRows(); y++) {
            for (int x = 0; x < size.getColumns(); x++) {
                text.append(terminal.getCharacter(x, y).getCharacterString());
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** Null while the UI runs well; what stopped it otherwise. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws IOException {
        terminal.addInput(new KeyStroke('q', false, false));
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
        screen.stopScreen();
    }
}
