package hvlab.vmmm.patch;

import java.util.ArrayList;
import java.util.List;

/**
 * What the manager says of one VM's patches: each catalog patch for its guest that it lacks,
 * and why that matters now. Paper IV.D.4: a VM that is off misses every patch that comes out
 * meanwhile and wakes up vulnerable; IV.E.3: a revert takes patches away; a VM for which no fix
 * exists is quarantined.
 */
public record PatchStatus(String vm, String host, List<String> applied, List<String> flags) {
    public PatchStatus {
        applied = List.copyOf(applied);
        flags = List.copyOf(flags);
    }

    public boolean clean() {
        return flags.isEmpty();
    }

    public static PatchStatus of(String vm, String host, String guest, String state, String network, PatchLevel level, PatchCatalog catalog) {
        List<String> flags = new ArrayList<>();
        boolean off = !state.equals("running") && !state.equals("paused");
        for (Patch patch : catalog.forGuest(guest)) {
            if (level.applied().contains(patch.id())) continue;
            if (!patch.fixable()) {
                flags.add("quarantine".equals(network) ? "quarantined: " + patch.id() + " has no fix"
                        : "UNPATCHABLE: " + patch.id() + " has no fix; quarantine it");
            } else if (level.lost().containsKey(patch.id())) {
                flags.add("UNPATCHED AGAIN: lost " + patch.id() + " by the revert to snapshot '" + level.lost().get(patch.id()) + "'");
            } else if (off) {
                flags.add("missing " + patch.id() + " while " + state + ": patch it before it starts");
            } else {
                flags.add("missing " + patch.id());
            }
        }
        return new PatchStatus(vm, host, level.applied().stream().sorted().toList(), flags);
    }

    public String describe() {
        return String.format("%-12s %-3s %-28s %s", vm, host, applied.isEmpty() ? "no patches" : String.join(",", applied),
                flags.isEmpty() ? "up to date" : String.join("; ", flags));
    }
}
