package hvlab.tui.ui;

import hvlab.vmmm.manager.ManagerCommands;
import hvlab.vmmm.migration.MigrationReport;
import hvlab.vmmm.protocol.Message.Progress;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The latest live migration as the datacenter view draws it: each pre-copy round as the source
 * reports it (pages sent, how fast the guest dirtied pages meanwhile, the downtime it expects if
 * it stopped now), then the outcome with the measured downtime. Fed from the command thread,
 * read by the screen's.
 */
final class MigrationWatch implements ManagerCommands.Watcher {
    /** What the view draws: one migration, its rounds so far, and its end once there is one. */
    record Shown(String vm, String from, String to, List<Progress> rounds, String outcome, MigrationReport report) {
        boolean running() {
            return outcome == null;
        }
    }

    private volatile Shown shown;
    private final List<Progress> rounds = new CopyOnWriteArrayList<>();

    @Override
    public void started(String vm, String from, String to) {
        rounds.clear();
        shown = new Shown(vm, from, to, List.of(), null, null);
    }

    @Override
    public void round(Progress progress) {
        rounds.add(progress);
        Shown now = shown;
        if (now != null) shown = new Shown(now.vm(), now.from(), now.to(), List.copyOf(rounds), null, null);
    }

    @Override
    public void ended(String outcome, MigrationReport report) {
        Shown now = shown;
        if (now != null) shown = new Shown(now.vm(), now.from(), now.to(), List.copyOf(rounds), outcome, report);
    }

    /** The migration to draw, or null before the first. */
    Shown shown() {
        return shown;
    }
}
