package hvlab.tui.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Plays a {@link Lecture} in the UI: Space (or Enter) shows the next step's caption and runs its
 * commands, in the background so the screen stays live while a step waits for a guest. A step
 * whose command fails stops there and says so; the teacher can go on or quit.
 */
final class LecturePlayer implements AutoCloseable {
    private final Lecture lecture;
    private final CommandRunner commands;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hvlab-lecture");
        t.setDaemon(true);
        return t;
    });
    private int next;
    private volatile boolean busy;
    private final List<String> lines = new ArrayList<>();

    LecturePlayer(Lecture lecture, CommandRunner commands) {
        this.lecture = lecture;
        this.commands = commands;
        lines.add(lecture.title() + ": " + lecture.steps().size() + " steps. Space: next step   q: quit");
    }

    boolean busy() {
        return busy;
    }

    boolean finished() {
        return next >= lecture.steps().size() && !busy;
    }

    /** Starts the next step; false if one is still running or the lecture is over. */
    synchronized boolean advance() {
        if (busy || next >= lecture.steps().size()) {
            return false;
        }
        Lecture.Step step = lecture.steps().get(next++);
        int number = next;
        lines.clear();
        for (String caption : step.caption()) {
            lines.add(caption);
        }
        busy = true;
        runner.execute(() -> run(step, number));
        return true;
    }

    private void run(Lecture.Step step, int number) {
        try {
            for (Lecture.Command command : step.commands()) {
                add("> " + command.text());
                List<String> out;
                try {
                    out = commands.run(command.text());
                } catch (RuntimeException e) {
                    add("line " + command.line() + ": " + e.getMessage());
                    return;
                }
                out.stream().limit(6).forEach(this::add);
            }
        } finally {
            add(number < lecture.steps().size()
                    ? "(step " + number + " of " + lecture.steps().size() + " done: Space for the next)"
                    : "(the end of " + lecture.title() + ": q quits)");
            busy = false;
        }
    }

    private synchronized void add(String line) {
        lines.add(line);
    }

    synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
