package hvlab.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code hv bench --json FILE}: the shape DESIGN.md section 8 promises, from made-up figures and
 * made-up benchmark results (no benchmark runs here).
 */
class FigureJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIELDS = List.of("id", "value", "unit", "error", "goal", "met");

    @Test
    void everyFigureHasTheSixFieldsInOrderAndNullsWhereNothingIsKnown(@TempDir Path dir) throws Exception {
        List<Figure> figures = List.of(
                new Figure("vmm_over_bare_mips", 0.97, "ratio", 0.02, 0.95),
                new Figure("preempt_armed_over_unarmed_mips", 0.85, "ratio", Double.NaN, 0.9),
                new Figure("trap_over_hypercall", 3.5, "ratio", 0.4, null),
                new Figure("eight_vms_over_one_mips", null, "ratio", null, 1.8));
        Path file = dir.resolve("bench.json");
        FigureJson.write(file, figures);

        JsonNode root = JSON.readTree(Files.readString(file));
        assertEquals(List.of("figures"), names(root));
        JsonNode list = root.get("figures");
        assertTrue(list.isArray());
        assertEquals(4, list.size());
        for (JsonNode figure : list) {
            assertEquals(FIELDS, names(figure), figure.toString());
        }

        JsonNode met = list.get(0);
        assertEquals("vmm_over_bare_mips", met.get("id").asText());
        assertEquals(0.97, met.get("value").asDouble());
        assertEquals("ratio", met.get("unit").asText());
        assertEquals(0.02, met.get("error").asDouble());
        assertEquals(0.95, met.get("goal").asDouble());
        assertTrue(met.get("met").isBoolean() && met.get("met").asBoolean());

        JsonNode missed = list.get(1);
        assertTrue(missed.get("error").isNull(), "an unknown error (NaN) is null, never the invalid token NaN");
        assertTrue(missed.get("met").isBoolean() && !missed.get("met").asBoolean());

        JsonNode noGoal = list.get(2);
        assertTrue(noGoal.get("goal").isNull());
        assertTrue(noGoal.get("met").isNull(), "met is null where there is no goal");

        JsonNode failed = list.get(3);
        assertTrue(failed.get("value").isNull());
        assertFalse(failed.get("met").asBoolean(true), "a figure with no value misses its goal");

        try (var leftovers = Files.list(dir)) {
            assertEquals(List.of(file), leftovers.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void theTableReportsEveryRatioUnderTheIdsOfTheDesign() throws Exception {
        Map<String, QuickBench.Measured> results = new HashMap<>();
        String p = "hvlab.benchmarks.";
        put(results, p + "B01_GuestMips.bare", 2000);
        put(results, p + "B01_GuestMips.vmm", 1900);
        put(results, p + "B02_PortOutTrap.bareNoOpUpcall", 40);
        put(results, p + "B02_PortOutTrap.vmm", 80);
        put(results, p + "B03_PrivilegedTrap.vmm", 600);
        put(results, p + "B03_PrivilegedTrap.bareFaultFloor[way=IN_PLACE]", 100);
        put(results, p + "B03_PrivilegedTrap.bareFaultFloor[way=REGISTER_API]", 300);
        put(results, p + "B11_PrivilegeCrossing.systemCall[mode=TRAP]", 3000);
        put(results, p + "B11_PrivilegeCrossing.systemCall[mode=BT]", 2800);
        put(results, p + "B04_HypercallVsTrap.trapAndEmulate", 600);
        put(results, p + "B04_HypercallVsTrap.hypercall", 150);
        put(results, p + "B05_BinaryTranslation.scan", 30);
        put(results, p + "B05_BinaryTranslation.trapAndEmulate", 1900);
        put(results, p + "B05_BinaryTranslation.translated", 1800);
        put(results, p + "B06_PreemptionOverhead.memoryUnarmed", 40);
        put(results, p + "B06_PreemptionOverhead.memoryArmed", 39);
        put(results, p + "B06_PreemptionOverhead.aluUnarmed", 2000);
        put(results, p + "B06_PreemptionOverhead.aluArmed", 1400);
        for (int vms : List.of(1, 2, 4, 8)) {
            put(results, QuickBench.manyVms(vms), vms == 1 ? 2000 : 3800);
        }
        put(results, p + "B08_SliceSwitch.switches", 12_000);
        put(results, p + "B08_SliceSwitch.switches:nanosPerSwitch", 10_000);
        put(results, p + "B09_Snapshot.copyRam", 1000);
        for (String tracker : List.of("write-protect", "compare")) {
            put(results, p + "B09_Snapshot.create[tracker=" + tracker + "]", 2500);
            put(results, p + "B09_Snapshot.restore[tracker=" + tracker + "]", 3500);
            put(results, p + "B09_Snapshot.revert[tracker=" + tracker + "]", 9000);
        }
        for (String tracker : List.of("write-protect", "compare")) {
            for (int dirty : List.of(0, 16, 256, 4096)) {
                put(results, p + "B09_Snapshot.incremental[dirty=" + dirty + "][tracker=" + tracker + "]", 5 + dirty);
            }
        }
        put(results, p + "B09_Snapshot.memoryUntracked", 100);
        put(results, p + "B09_Snapshot.memoryWriteProtected", 99);
        put(results, p + "B09_Snapshot.memoryHooked", 30);
        put(results, p + "B09_Snapshot.firstStoresAfterProtect", 900);
        put(results, p + "B09_Snapshot.storesUnprotected", 3);
        put(results, p + "B10_UiObserver.mips[ui=closed]", 500);
        put(results, p + "B10_UiObserver.mips[ui=open]", 490);
        put(results, p + "B13_ShadowPaging.addressSpaceSwitch[pages=64][paging=true]", 66_400);
        put(results, p + "B13_ShadowPaging.addressSpaceSwitch[pages=64][paging=false]", 2_400);
        put(results, p + "B13_ShadowPaging.addressSpaceSwitch[pages=1][paging=true]", 32_000);
        put(results, p + "B13_ShadowPaging.addressSpaceSwitch[pages=1][paging=false]", 3_000);
        put(results, p + "B13_ShadowPaging.steadyState[paging=true]", 1_100);
        put(results, p + "B13_ShadowPaging.steadyState[paging=false]", 1_000);
        put(results, p + "B14_Network.roundTrip[hosts=1]", 40);
        put(results, p + "B14_Network.roundTrip[hosts=2]", 100);
        put(results, p + "B15_Migration.preCopy:downtimePerMigration", 20_000);
        put(results, p + "B15_Migration.stopAndCopy:downtimePerMigration", 100_000);
        put(results, p + "B15_Migration.preCopy", 400);
        put(results, p + "B15_Migration.stopAndCopy", 120);
        put(results, p + "B17_Replication.spin[epochs=0]", 1000);
        put(results, p + "B17_Replication.spin[epochs=10]", 950);
        put(results, p + "B17_Replication.spin[epochs=20]", 900);
        put(results, p + "B17_Replication.spin[epochs=40]", 800);

        List<Figure> figures = new ArrayList<>();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        boolean complete = QuickBench.printTable(new PrintStream(printed, true, StandardCharsets.UTF_8), QuickBench.QUICK,
                results, 120, 0.5, 0.6, figures);
        assertTrue(complete, printed.toString(StandardCharsets.UTF_8));

        Map<String, Figure> byId = new HashMap<>();
        for (Figure f : figures) {
            assertNull(byId.put(f.id(), f), "ids are unique: " + f.id());
        }
        for (String id : List.of("vmm_over_bare_mips", "out_trap_over_upcall", "gp_trap_over_out_trap", "trap_over_hypercall",
                "bt_over_trap_mips", "preempt_armed_over_unarmed_mips", "preempt_armed_over_unarmed_alu_mips",
                "eight_vms_over_one_mips", "slice_switch_us", "snapshot_create_over_copy", "snapshot_restore_over_copy",
                "dirty_tracking_on_over_off_mips", "ui_open_over_closed_mips", "incremental_compare_4096_us")) {
            assertTrue(byId.containsKey(id), "missing " + id + " in " + byId.keySet());
        }
        assertEquals(600.0 / 80, byId.get("gp_trap_over_out_trap").value(), 1e-9, "#GP (B03) over OUT (B02), both through the VMM");
        assertEquals(false, byId.get("gp_trap_over_out_trap").met(), "7.5 is not within the goal of 5");
        assertEquals(true, byId.get("out_trap_over_upcall").met(), "80 / 40 = 2, just within the goal of 2");
        assertEquals(6.0, byId.get("gp_trap_over_floor").value(), 1e-9);
        assertEquals((66_400.0 - 2_400) / 64, byId.get("shadow_page_fault_ns").value(), 1e-9, "one hidden page fault: (on - off) / 64");
        assertEquals(29.0, byId.get("address_space_switch_us").value(), 1e-9);
        assertEquals(50_000.0, byId.get("network_frames_per_second").value(), 1e-6, "a 40 us round trip: two frames");
        assertEquals(2.5, byId.get("network_two_hosts_over_one_round_trip").value(), 1e-9, "through the tunnel: 100 us against 40");
        assertEquals(0.2, byId.get("precopy_over_stopcopy_downtime").value(), 1e-9);
        assertEquals(0.8, byId.get("replicated_40_over_unreplicated_mips").value(), 1e-9, "B17: 40 epochs a second over none");
        assertEquals(5.0, byId.get("system_call_over_gp_trap").value(), 1e-9);
        assertEquals(39.0 / 40, byId.get("preempt_armed_over_unarmed_mips").value(), 1e-9);
        assertEquals(true, byId.get("preempt_armed_over_unarmed_mips").met());
        assertNull(byId.get("preempt_armed_over_unarmed_alu_mips").met());
        assertEquals(1.9, byId.get("eight_vms_over_one_mips").value(), 1e-9);
        assertEquals(10, byId.get("slice_switch_us").value(), 1e-6);
        assertEquals("us", byId.get("slice_switch_us").unit());
        assertTrue(byId.get("vmm_over_bare_mips").error() > 0, "errors are carried through the ratio");
        // A cost meets its goal by staying under it: create 2.5 copies of RAM (<= 3), restore 3.5 (missed).
        assertEquals(2.5, byId.get("snapshot_create_over_copy").value(), 1e-9);
        assertEquals(true, byId.get("snapshot_create_over_copy").met());
        assertEquals(false, byId.get("snapshot_restore_over_copy").met());
        assertEquals(true, byId.get("dirty_tracking_on_over_off_mips").met());
        assertNull(byId.get("incremental_hash_0_us").value(), "the quick run does not measure the rejected trackers");
        String table = printed.toString(StandardCharsets.UTF_8);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("  ratio restore / copy") && l.contains("<= 3.00") && l.contains("missed")),
                table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("figure") && l.contains("goal") && l.contains("met")),
                "one header over one table: " + table);
    }

    @Test
    void aFailedBenchmarkLeavesItsFiguresWithoutValue() {
        List<Figure> figures = new ArrayList<>();
        boolean complete = QuickBench.printTable(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                QuickBench.QUICK, Map.of(), 1, 0, 0, figures);
        assertFalse(complete);
        assertFalse(figures.isEmpty());
        for (Figure f : figures) {
            assertNull(f.value(), f.id());
            assertTrue(f.goal() == null ? f.met() == null : !f.met(), f.id());
        }
        assertTrue(FigureJson.text(figures).contains("\"value\" : null"));
    }

    private static void put(Map<String, QuickBench.Measured> results, String key, double score) {
        results.put(key, new QuickBench.Measured(score, score * 0.01));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
