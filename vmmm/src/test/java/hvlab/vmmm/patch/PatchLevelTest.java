package hvlab.vmmm.patch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The patch level replayed from a history: it rises with patches and falls back with reverts. */
class PatchLevelTest {
    static String event(String event, String key, String value) {
        return "{\"time\":\"2026-11-30T06:00:00Z\",\"event\":\"" + event + "\",\"" + key + "\":\"" + value + "\"}";
    }

    final PatchCatalog catalog = PatchCatalog.shipped();

    @Test
    void aRevertBringsBackTheLevelTheSnapshotHadAndNamesWhatWasLost() {
        List<String> history = List.of(
                event("created", "detail", "x"),
                event("snapshot", "snapshot", "clean"),
                event("patched", "patch", "HVSA-2026-002"),
                event("snapshot", "snapshot", "after"),
                "{not json",
                event("revert", "snapshot", "clean"));
        PatchLevel level = PatchLevel.of(history);
        assertEquals(Set.of(), level.applied());
        assertEquals(Map.of("HVSA-2026-002", "clean"), level.lost());
        PatchLevel forward = PatchLevel.of(List.of(history.get(0), history.get(1), history.get(2), history.get(3), history.get(5),
                event("revert", "snapshot", "after")));
        assertEquals(Set.of("HVSA-2026-002"), forward.applied());
        assertEquals(Map.of(), forward.lost(), "reverting forward again brings the patch back");
    }

    @Test
    void theStatusFlagsOffVmsRevertedVmsAndUnpatchableOnes() {
        PatchLevel none = PatchLevel.of(List.of());
        assertEquals(List.of("missing HVSA-2026-002 while defined: patch it before it starts"),
                PatchStatus.of("c", "h1", "counter", "defined", null, none, catalog).flags());
        assertEquals(List.of("missing HVSA-2026-002"), PatchStatus.of("c", "h1", "counter", "running", null, none, catalog).flags());
        PatchLevel reverted = new PatchLevel(Set.of(), Map.of("HVSA-2026-002", "clean"));
        assertEquals(List.of("UNPATCHED AGAIN: lost HVSA-2026-002 by the revert to snapshot 'clean'"),
                PatchStatus.of("c", "h1", "counter", "running", null, reverted, catalog).flags());
        assertTrue(PatchStatus.of("r", "h1", "redpill", "running", null, none, catalog).flags().getFirst().startsWith("UNPATCHABLE: HVSA-2026-003"));
        assertTrue(PatchStatus.of("r", "h1", "redpill", "running", "quarantine", none, catalog).flags().getFirst().startsWith("quarantined"));
        assertTrue(PatchStatus.of("c", "h1", "counter", "running", null, new PatchLevel(Set.of("HVSA-2026-002"), Map.of()), catalog).clean());
        assertTrue(PatchStatus.of("p", "h1", "paging", "running", null, none, catalog).clean(), "no patch for its guest");
    }

    @Test
    void theCatalogIsReadFromItsDataFilesAndRefusesUnknownPatches() {
        assertEquals(3, catalog.patches().size());
        assertTrue(new String(catalog.content(catalog.get("HVSA-2026-001"))).contains("patch level: HVSA-2026-001"));
        var e = assertThrows(IllegalArgumentException.class, () -> catalog.get("HVSA-1999-999"));
        assertTrue(e.getMessage().startsWith("no patch HVSA-1999-999 in the catalog"));
        assertThrows(IllegalArgumentException.class, () -> new Patch("bad id", "t", List.of(), "low", "config", null, null));
        assertThrows(IllegalArgumentException.class, () -> new Patch("HVSA-2026-009", "t", List.of(), "low", "file", null, null));
    }
}
