package hvlab.tui.language;

import hvlab.vmm.host.ConsoleOutput;
import hvlab.vmm.host.HostControl;
import hvlab.vmm.host.VmInfo;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Waiting for a VM to do something, shared by {@code wait}, {@code vm shutdown} and
 * {@code vm console --follow}. Each wait looks again every {@link #POLL} and gives up at its
 * deadline, and each one checks for Ctrl-C between looks, so nothing a person starts in the shell
 * can hang it.
 */
final class Waiting {
    private Waiting() {}

    /** How often a wait looks again: short next to a 10 ms time slice is not needed, short next to a person is. */
    static final Duration POLL = Duration.ofMillis(20);

    /** What a state wait saw: whether the wanted state came, and the VM as it was at the end. */
    record StateSeen(boolean met, VmInfo last) {}

    /** What a console wait saw: whether the text came, and the console as it was at the end. */
    record ConsoleSeen(boolean met, String console) {}

    /**
     * Waits until the VM is in a state that {@code wanted} accepts. We listen to the host's event
     * stream as well as asking for the state: a VM can pass through a state between two looks
     * (shutting-down lasts as long as the guest takes), and the event still tells us it was there.
     * We subscribe before the first look, so no change can slip between the look and the listening.
     */
    static StateSeen forState(Context context, String vm, Predicate<String> wanted, Duration timeout, String what)
            throws InterruptedException {
        HostControl host = context.host();
        AtomicBoolean seen = new AtomicBoolean();
        AutoCloseable subscription = host.subscribe(event -> {
            if (event.vm().equals(vm) && event.to() != null && wanted.test(event.to())) { // events of no change (an alert) have no 'to'
                seen.set(true);
            }
        });
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                VmInfo info = host.info(vm);
                if (seen.get() || wanted.test(info.state())) {
                    return new StateSeen(true, info);
                }
                if (System.nanoTime() - deadline >= 0) {
                    return new StateSeen(false, info);
                }
                sleep(POLL, context.session(), what);
            }
        } finally {
            close(subscription);
        }
    }

    /** Waits until the VM's console (all of it that the host keeps) contains {@code text}. */
    static ConsoleSeen forConsole(Context context, String vm, String text, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ConsoleOutput console = context.host().console(vm, 0);
            if (console.text().contains(text)) {
                return new ConsoleSeen(true, console.text());
            }
            if (System.nanoTime() - deadline >= 0) {
                return new ConsoleSeen(false, console.text());
            }
            sleep(POLL, context.session(), what);
        }
    }

    /** Sleeps for {@code period}, in short naps so that Ctrl-C ends it within one nap. */
    static void sleep(Duration period, Session session, String what) throws InterruptedException {
        long end = System.nanoTime() + period.toNanos();
        for (long left = period.toNanos(); left > 0; left = end - System.nanoTime()) {
            if (session.cancelled().getAsBoolean()) {
                throw CommandFailure.cancelled(what);
            }
            Thread.sleep(Duration.ofNanos(Math.min(left, POLL.toNanos())));
        }
        if (session.cancelled().getAsBoolean()) {
            throw CommandFailure.cancelled(what);
        }
    }

    /** A phrase about the end of a console, for messages: "its last line is 'tick 3'". */
    static String lastLine(String console) {
        String[] lines = console.strip().split("\r?\n");
        String last = lines[lines.length - 1].strip();
        if (last.length() > 60) {
            last = "..." + last.substring(last.length() - 57);
        }
        return last.isEmpty() ? "its console is empty" : "its last line is '" + last + "'";
    }

    private static void close(AutoCloseable subscription) {
        try {
            subscription.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop listening to the host's events: " + e.getMessage(), e);
        }
    }
}
