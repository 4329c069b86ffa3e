package hvlab.tui.ui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import hvlab.vmm.host.PowerAction;

import java.util.ArrayList;
import java.util.List;

/**
 * What each key does. Everything the keys do can also be typed on the command line (':'), in
 * the management language; the keys are shortcuts, shown at the bottom of the screen.
 */
final class Controller {
    /** What a newcomer needs, in 80 columns: quitting included; the rest (S snapshot, A attest, ...) is under F1. */
    static final String KEYS = "F1 help  ↑↓ VM  s start p pause r resume x off  1-8 view  i type  : cmd  q quit";

    private final DatacenterModel model;
    private final CommandRunner commands;
    private final List<String> history = new ArrayList<>();
    VmPanel.View view = VmPanel.View.OVERVIEW;
    boolean typing;
    boolean help;
    final MatrixState matrix = new MatrixState();
    boolean quit;
    /** Non-null while the command line is open: what has been typed so far. */
    StringBuilder commandLine;
    private int historyAt;
    final List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Commands from ':' run here, so a 'wait' does not freeze the screen. */
    private final java.util.concurrent.ExecutorService commandThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hvlab-ui-command");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean commandRunning;
    /** Non-null after m: the VM waiting for its target host's number. */
    String migrating;
    /** A lecture being played (hv lecture FILE), or null. */
    LecturePlayer lecture;

    Controller(DatacenterModel model, CommandRunner commands) {
        this.model = model;
        this.commands = commands;
    }

    void handle(KeyStroke key) {
        if (key.getKeyType() == KeyType.EOF || (key.isCtrlDown() && key.getCharacter() != null && key.getCharacter() == 'c')) {
            quit = true;
            return;
        }
        if (help) {
            help = false; // any key closes the help
            return;
        }
        if (matrix.open) {
            matrixKey(key);
        } else if (migrating != null) {
            targetKey(key);
        } else if (commandLine != null) {
            commandKey(key);
        } else if (typing) {
            typingKey(key);
        } else {
            navigationKey(key);
        }
    }

    private void navigationKey(KeyStroke key) {
        if (lecture != null && (key.getKeyType() == KeyType.Enter
                || key.getKeyType() == KeyType.ArrowRight
                || (key.getKeyType() == KeyType.Character && key.getCharacter() == ' '))) {
            lecture.advance();
            return;
        }
        switch (key.getKeyType()) {
            case F1 -> help = true;
            case ArrowUp -> model.move(-1);
            case ArrowDown -> model.move(1);
            case Tab -> view = VmPanel.View.values()[(view.ordinal() + 1) % VmPanel.View.values().length];
            case Character -> character(key.getCharacter());
            default -> { }
        }
    }

    private void character(char c) {
        switch (c) {
            case 'q' -> quit = true;
            case '?' -> help = true;
            case 'M' -> matrix.open = true;
            case 'k' -> model.move(-1);
            case 'j' -> model.move(1);
            case '1' -> view = VmPanel.View.OVERVIEW;
            case '2' -> view = VmPanel.View.CONSOLE;
            case '3' -> view = VmPanel.View.TRAPS;
            case '4' -> view = VmPanel.View.HISTORY;
            case '5' -> view = VmPanel.View.TRAP_LOG;
            case '6' -> view = VmPanel.View.VMI;
            case '7' -> view = VmPanel.View.DATACENTER;
            case 'm' -> chooseTarget();
            case 'b' -> manager("dc balance --dry-run");
            case 'B' -> manager("dc balance");
            case '8' -> view = VmPanel.View.SCREEN;
            case 'A' -> inBackground("attesting...", model::attestSelected);
            case 'I' -> {
                view = VmPanel.View.VMI;
                say(model.checkIntegrity());
            }
            case 'f' -> {
                VmRow row = model.selectedRow();
                if (row != null && view == VmPanel.View.TRAP_LOG) row.trapLog.nextFilter();
            }
            case 'h' -> {
                VmRow row = model.selectedRow();
                if (row != null && view == VmPanel.View.TRAP_LOG) row.trapLog.held = !row.trapLog.held;
            }
            case 'S' -> {
                view = VmPanel.View.HISTORY;
                inBackground("taking a snapshot...", model::snapshot);
            }
            case 's' -> say(model.act(PowerAction.START));
            case 'p' -> say(model.act(PowerAction.PAUSE));
            case 'r' -> say(model.act(PowerAction.RESUME));
            case 'd' -> say(model.act(PowerAction.SHUTDOWN));
            case 'x' -> say(model.act(PowerAction.POWEROFF));
            case 'R' -> say(model.act(PowerAction.RESET));
            case 'i' -> {
                view = VmPanel.View.CONSOLE;
                typing = true;
            }
            case ':' -> {
                commandLine = new StringBuilder();
                historyAt = history.size();
            }
            default -> { }
        }
    }

    /** m: which host should the selected VM go to? The next key is the host's number. */
    private void chooseTarget() {
        VmRow row = model.selectedRow();
        if (model.manager() == null) {
            say("these hosts have no manager: live migration needs the datacenter (./hv with no --store)");
        } else if (row == null) {
            say("no VM selected");
        } else {
            view = VmPanel.View.DATACENTER;
            migrating = row.name;
            List<String> choices = new ArrayList<>();
            for (int i = 0; i < model.hosts().size(); i++) {
                String host = model.hosts().get(i).name();
                if (!host.equals(row.host)) choices.add((i + 1) + " " + host);
            }
            say("migrate " + row.name + " (on " + row.host + ") live to: " + String.join("  ", choices) + "   (Esc: no)");
        }
    }

    private void targetKey(KeyStroke key) {
        String vm = migrating;
        migrating = null;
        Character c = key.getCharacter();
        int index = key.getKeyType() == KeyType.Character && c != null && Character.isDigit(c) ? c - '1' : -1;
        if (index < 0 || index >= model.hosts().size()) {
            say("no migration");
            return;
        }
        String to = model.hosts().get(index).name();
        model.select(to, vm);
        manager("dc migrate " + vm + " --to " + to);
    }

    /** Runs a manager command like a typed one: its lines take the message area; view 7 shows any migration as it goes. */
    private void manager(String line) {
        if (model.manager() == null) {
            say("these hosts have no manager: balancing needs the datacenter (./hv with no --store)");
            return;
        }
        view = VmPanel.View.DATACENTER;
        run(line);
    }

    /** While the matrix is open: arrows move, 't' measures, anything else closes it. */
    private void matrixKey(KeyStroke key) {
        switch (key.getKeyType()) {
            case ArrowUp -> matrix.move(-1);
            case ArrowDown -> matrix.move(1);
            case Character -> {
                switch (key.getCharacter()) {
                    case 'k' -> matrix.move(-1);
                    case 'j' -> matrix.move(1);
                    case 't' -> matrix.runScenarios();
                    default -> matrix.open = false;
                }
            }
            default -> matrix.open = false;
        }
    }

    private void typingKey(KeyStroke key) {
        switch (key.getKeyType()) {
            case Escape -> typing = false;
            case Enter -> sendToGuest("\n");
            case Backspace -> sendToGuest("\b");
            case Tab -> sendToGuest("\t");
            case Character -> sendToGuest(String.valueOf(key.getCharacter()));
            default -> { }
        }
    }

    private void sendToGuest(String text) {
        String problem = model.send(text);
        if (!problem.isEmpty()) {
            say(problem);
            typing = false;
        }
    }

    private void commandKey(KeyStroke key) {
        switch (key.getKeyType()) {
            case Escape -> commandLine = null;
            case Backspace -> {
                if (!commandLine.isEmpty()) commandLine.setLength(commandLine.length() - 1);
            }
            case ArrowUp -> recall(-1);
            case ArrowDown -> recall(1);
            case Tab -> complete();
            case Enter -> {
                String line = commandLine.toString().trim();
                commandLine = null;
                if (!line.isEmpty()) {
                    history.add(line);
                    run(line);
                }
            }
            case Character -> commandLine.append(key.getCharacter());
            default -> { }
        }
    }

    /** Tab: the word being typed completed from the language, on the first host (where ':' commands run). */
    private void complete() {
        if (model.hosts().isEmpty()) {
            return;
        }
        var completer = new hvlab.tui.shell.LanguageCompleter(model.hosts().getFirst());
        Completion done = Completion.of(commandLine.toString(), completer::suggestions);
        commandLine = new StringBuilder(done.line());
        if (!done.candidates().isEmpty()) {
            say(String.join("  ", done.candidates()));
        }
    }

    private void recall(int delta) {
        if (history.isEmpty()) {
            return;
        }
        historyAt = Math.max(0, Math.min(history.size(), historyAt + delta));
        commandLine = new StringBuilder(historyAt < history.size() ? history.get(historyAt) : "");
    }

    /** Runs a line of the management language in the background; its output replaces the message area. */
    void run(String line) {
        if (commandRunning) {
            say("the last command is still running; wait for it, or press q to quit");
            return;
        }
        output.clear();
        output.add("> " + line);
        commandRunning = true;
        commandThread.execute(() -> {
            try {
                output.addAll(commands.run(line));
            } catch (RuntimeException e) {
                output.add("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            } finally {
                commandRunning = false;
                model.historyChanged();
            }
        });
    }

    /** Runs slow work for a key (a snapshot is written to disk) off the screen's thread; says its result. */
    private void inBackground(String meanwhile, java.util.function.Supplier<String> work) {
        if (commandRunning) {
            say("the last command is still running; wait for it, or press q to quit");
            return;
        }
        say(meanwhile);
        commandRunning = true;
        commandThread.execute(() -> {
            try {
                say(work.get());
            } catch (RuntimeException e) {
                say("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            } finally {
                commandRunning = false;
                model.historyChanged();
            }
        });
    }

    boolean commandRunning() {
        return commandRunning;
    }

    void say(String message) {
        output.clear();
        output.add(message);
    }
}
