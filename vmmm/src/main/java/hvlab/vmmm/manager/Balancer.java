package hvlab.vmmm.manager;

import hvlab.vmmm.balance.AffinityRule;
import hvlab.vmmm.balance.BalancePolicy;
import hvlab.vmmm.balance.HostLoad;
import hvlab.vmmm.balance.LoadReport;
import hvlab.vmmm.balance.Move;
import hvlab.vmmm.balance.Plan;
import hvlab.vmmm.migration.Json;
import hvlab.vmmm.protocol.Message.Progress;
import hvlab.vmmm.protocol.MigrationLimits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The manager's load balancing (paper IV.D.3, as VMware's DRS): measure every host over the
 * protocol ({@code load}), let {@link BalancePolicy} plan, and carry the plan out by live
 * migrations. Affinity rules are the datacenter's file {@code DIR/affinity.rules}.
 */
public final class Balancer {
    /** A VM that moved is left where it is for this long: its new host's measurements must settle first. */
    public static final Duration COOLDOWN = Duration.ofSeconds(30);
    public static final String RULES = "affinity.rules";

    private final Datacenter manager;
    private final BalancePolicy policy;
    private final Duration cooldown;

    public Balancer(Datacenter manager) {
        this(manager, BalancePolicy.DEFAULT, COOLDOWN);
    }

    public Balancer(Datacenter manager, BalancePolicy policy, Duration cooldown) {
        this.manager = manager;
        this.policy = policy;
        this.cooldown = cooldown;
    }

    /** Every host's load as it reports it now. */
    public List<HostLoad> measure() throws IOException {
        List<HostLoad> loads = new ArrayList<>();
        Instant now = Instant.now();
        for (Datacenter.HostEntry host : manager.hosts()) {
            LoadReport report = Json.MAPPER.readValue(manager.call(host.name(), "load"), LoadReport.class);
            loads.add(report.toHostLoad(now, cooldown));
        }
        return loads;
    }

    public Plan plan() throws IOException {
        return policy.propose(measure(), rules(manager.folder()));
    }

    /** Carries out {@code plan}: each move a live migration; a move that fails is said, and the rest go on. */
    public List<String> carryOut(Plan plan, Consumer<Move> starting, Consumer<Progress> progress) throws IOException {
        List<String> outcomes = new ArrayList<>();
        for (Move move : plan.moves()) {
            starting.accept(move);
            try {
                String report = manager.migrate(move.vm(), move.from(), move.to(), false, MigrationLimits.DEFAULT, progress);
                outcomes.add(hvlab.vmmm.migration.Migrations.describe(Json.MAPPER.readValue(report, hvlab.vmmm.migration.MigrationReport.class)));
            } catch (IllegalArgumentException e) {
                outcomes.add("not moved: " + move.vm() + ": " + e.getMessage());
            }
        }
        return outcomes;
    }

    /** The datacenter's affinity rules; none when it has no file. */
    public static List<AffinityRule> rules(Path dc) throws IOException {
        Path file = dc.resolve(RULES);
        return Files.isRegularFile(file) ? AffinityRule.parse(Files.readAllLines(file)) : List.of();
    }
}
