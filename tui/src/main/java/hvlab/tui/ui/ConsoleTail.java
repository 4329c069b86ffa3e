package hvlab.tui.ui;

import hvlab.vmm.console.TerminalSafe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of a VM's console, as lines a screen can show: control characters made visible (a
 * guest must not drive the user's terminal through the UI either), tabs as spaces, and at most
 * {@code keep} lines. Fed with what the host reports as new since the last look.
 */
final class ConsoleTail {
    private final int keep;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final StringBuilder current = new StringBuilder();
    private final TerminalSafe safe = new TerminalSafe();
    private long position;

    ConsoleTail(int keep) {
        this.keep = keep;
    }

    /** Where the next look at the host's console should start. */
    long position() {
        return position;
    }

    /** Appends what the console showed from {@code from} up to {@code next}. */
    void append(String text, long from, long next) {
        if (from > position && position > 0) {
            add("... (" + (from - position) + " bytes not kept by the host)");
        }
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            String shown = safe.accept(b);
            for (int i = 0; i < shown.length(); i++) {
                char c = shown.charAt(i);
                if (c == '\n') {
                    add(current.toString());
                    current.setLength(0);
                } else if (c == '\t') {
                    current.append("    ");
                } else if (c != '\r') {
                    current.append(c);
                }
            }
        }
        position = next;
    }

    /** Forgets everything (the VM was booted again). */
    void clear() {
        lines.clear();
        current.setLength(0);
        position = 0;
    }

    /** The last {@code count} lines, the unfinished one included. */
    List<String> last(int count) {
        List<String> all = new ArrayList<>(lines);
        if (!current.isEmpty()) {
            all.add(current.toString());
        }
        return all.subList(Math.max(0, all.size() - count), all.size());
    }

    private void add(String line) {
        lines.addLast(line);
        while (lines.size() > keep) {
            lines.removeFirst();
        }
    }
}
