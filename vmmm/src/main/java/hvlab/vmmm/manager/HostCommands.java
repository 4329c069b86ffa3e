package hvlab.vmmm.manager;

import hvlab.vmmm.migration.Json;

import java.io.IOException;
import java.util.List;

/**
 * {@code dc vm HOST ...} and {@code dc net HOST create NET}: a command aimed at one host of the
 * datacenter, sent as a management call over the manager's TLS link to it. A VM that moved is
 * reached where it now runs: after {@code dc migrate os --to h2}, {@code dc vm h2 send os ps} types
 * into it there (paper IV.D: the manager, not the host's own console, is how the many hosts are run).
 */
final class HostCommands {
    static final String USAGE = "dc vm HOST send VM TEXT | dc vm HOST console VM | dc vm HOST wait VM TEXT | dc net HOST create NET";
    /** How long {@code dc vm HOST wait} looks before it gives up, and how often it asks. */
    static final long WAIT_MILLIS = 30_000, POLL_MILLIS = 100;

    private final Datacenter manager;

    HostCommands(Datacenter manager) {
        this.manager = manager;
    }

    List<String> run(List<String> words) throws IOException {
        if (words.size() < 4) throw new IllegalArgumentException(USAGE);
        String host = words.get(1);
        manager.host(host); // an unknown host is one line naming it
        String what = words.get(2);
        String subject = words.get(3);
        String text = String.join(" ", words.subList(4, words.size()));
        return switch (words.getFirst() + " " + what) {
            case "vm send" -> {
                if (text.isEmpty()) throw new IllegalArgumentException("dc vm HOST send VM TEXT: say what to type");
                manager.call(host, "send", subject, text);
                yield List.of("typed '" + text + "' and a newline into " + subject + " on " + host);
            }
            case "vm console" -> {
                if (!text.isEmpty()) throw new IllegalArgumentException("dc vm HOST console VM");
                yield Json.MAPPER.readValue(manager.call(host, "console", subject), String.class).lines().toList();
            }
            case "vm wait" -> {
                if (text.isEmpty()) throw new IllegalArgumentException("dc vm HOST wait VM TEXT: say what to wait for");
                yield List.of(waitFor(host, subject, text));
            }
            case "net create" -> {
                if (!text.isEmpty()) throw new IllegalArgumentException("dc net HOST create NET");
                manager.call(host, "net-create", subject);
                yield List.of("network " + subject + " on " + host);
            }
            default -> throw new IllegalArgumentException("'" + String.join(" ", words.subList(0, 3)) + "' is not a host command: " + USAGE);
        };
    }

    private String waitFor(String host, String vm, String text) throws IOException {
        long start = System.nanoTime();
        while (true) {
            String console = Json.MAPPER.readValue(manager.call(host, "console", vm), String.class);
            long waited = (System.nanoTime() - start) / 1_000_000;
            if (console.contains(text)) return "'" + text + "' is on the console of " + vm + " on " + host + " (waited " + waited + " ms)";
            if (waited > WAIT_MILLIS) {
                throw new IllegalArgumentException("'" + text + "' did not appear on the console of " + vm + " on " + host
                        + " within " + WAIT_MILLIS / 1000 + " s");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + vm + " on " + host);
            }
        }
    }
}
