package hvlab.tui.threat;

import java.util.List;

/** The paper's figure 2, one scenario per edge, in its order. */
public final class Threats {
    private static final List<ThreatScenario> ALL = List.of(
            new NetworkToVmmm(), new NetworkToVmm(), new NetworkToVm(), new VmmmToVmm(), new VmmToVm(), new VmToVm());

    private Threats() {}

    public static List<ThreatScenario> all() {
        return ALL;
    }

    /** The scenario of {@code edge}; an unknown edge is an {@link IllegalArgumentException} naming the known ones. */
    public static ThreatScenario edge(String edge) {
        return ALL.stream().filter(s -> s.edge().equals(edge)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "no threat scenario '" + edge + "' (the edges of figure 2: "
                        + String.join(", ", ALL.stream().map(ThreatScenario::edge).toList()) + ")"));
    }
}
