package hvlab.tui.language;

import hvlab.vmm.log.LogRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code log show [--vm NAME] [--since D] [--last N]}: the secure log's records, oldest first. */
@Command(name = "show", description = "Show the host's secure log: who did what to which VM, and when.")
final class LogShowCommand implements LanguageCommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Mixin
    CommonOptions common;

    @Option(names = "--vm", paramLabel = "NAME", description = "only the records about this VM")
    String vm;

    @Option(names = "--since", paramLabel = "D", description = "only the records of the last D (e.g. 10m, 2h)")
    String since;

    @Option(names = "--last", paramLabel = "N", defaultValue = "40", description = "at most N records, the newest (default ${DEFAULT-VALUE})")
    int last;

    @Override
    public Reply run(Context context) {
        if (last < 1) {
            throw CommandFailure.usage("log show: --last must be at least 1");
        }
        Instant from = since == null ? Instant.MIN : Instant.now().minus(Durations.parse(since));
        List<LogRecord> records = context.host().secureLog().stream()
                .filter(r -> vm == null || r.vm().equals(vm))
                .filter(r -> !r.time().isBefore(from))
                .toList();
        records = records.subList(Math.max(0, records.size() - last), records.size());
        if (records.isEmpty()) {
            return new Reply(records, "no records" + (vm == null ? "" : " about " + vm));
        }
        return new Reply(records, records.stream().map(LogShowCommand::line).collect(Collectors.joining("\n")));
    }

    static String line(LogRecord r) {
        Map<String, String> details = r.details();
        String about = details.isEmpty() ? "" : "  " + details.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(e -> !e.getKey().equals("signature"))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        return String.format("#%-5d %s  %-10s %-18s by %-8s%s", r.seq(), TIME.format(r.time()), r.vm().isEmpty() ? "(host)" : r.vm(),
                r.kind(), r.actor(), about);
    }
}
