package hvlab.tui.matrix;

import hvlab.tui.threat.Feature;
import hvlab.tui.threat.Finding;
import hvlab.tui.threat.Property;
import hvlab.tui.threat.ScenarioRun;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 4 as hvlab's threat scenarios measure it. Each attack ran twice, without and with the
 * defence; what it achieved says what the feature did to the property:
 * <ul>
 *   <li>a feature the attacker used (its surface): breached in both forms {@code -}; only without
 *       the defence {@code ±} (safe only as configured: the paper's "depends on the particular
 *       implementation"); in neither {@code +};</li>
 *   <li>a feature that stood in the way (a defence): the attack failed against it {@code +}, got
 *       through anyway {@code -}.</li>
 * </ul>
 * Several findings about one cell combine: agreement keeps the sign, disagreement is {@code ±}.
 */
public final class ComputedAssessment {
    private boolean measured;
    private final Map<Feature, Map<Property, Sign>> signs = new EnumMap<>(Feature.class);
    private final Map<Feature, Map<Property, List<String>>> evidence = new EnumMap<>(Feature.class);

    /** From runs of scenarios in both forms, paired by edge and attack. */
    public static ComputedAssessment of(List<ScenarioRun> runs) {
        ComputedAssessment computed = new ComputedAssessment();
        computed.measured = !runs.isEmpty();
        for (ScenarioRun undefended : runs) {
            if (undefended.defended()) continue;
            ScenarioRun defended = runs.stream().filter(r -> r.defended() && r.edge().equals(undefended.edge())).findFirst().orElse(null);
            if (defended == null) continue;
            for (Finding before : undefended.findings()) {
                Finding after = defended.findings().stream().filter(f -> f.attack().equals(before.attack())
                        && f.property() == before.property() && f.feature() == before.feature()).findFirst().orElse(null);
                if (after == null) continue;
                computed.add(before, after, undefended.edge());
            }
        }
        return computed;
    }

    private void add(Finding before, Finding after, String edge) {
        Sign sign = switch (before.role()) {
            case SURFACE -> before.achieved() && after.achieved() ? Sign.MINUS
                    : before.achieved() ? Sign.MIXED : after.achieved() ? Sign.MINUS : Sign.PLUS;
            case DEFENCE -> after.achieved() ? Sign.MINUS : Sign.PLUS;
        };
        signs.computeIfAbsent(before.feature(), k -> new EnumMap<>(Property.class)).merge(before.property(), sign, Sign::and);
        evidence.computeIfAbsent(before.feature(), k -> new EnumMap<>(Property.class))
                .computeIfAbsent(before.property(), k -> new ArrayList<>())
                .add(sign.symbol() + " " + edge + ", " + before.attack() + ": undefended " + (before.achieved() ? "breached" : "held")
                        + ", defended " + (after.achieved() ? "breached" : "held") + " (" + after.evidence() + ")");
    }

    /** Whether any scenario ran at all (if not, every cell is empty for want of measuring). */
    public boolean measured() {
        return measured;
    }

    public ComputedCell cell(Feature feature, Property property) {
        Sign sign = signs.getOrDefault(feature, Map.of()).getOrDefault(property, Sign.NONE);
        return new ComputedCell(sign, evidence.getOrDefault(feature, Map.of()).getOrDefault(property, List.of()));
    }
}
