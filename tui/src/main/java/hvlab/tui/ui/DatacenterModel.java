package hvlab.tui.ui;

import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import hvlab.vmm.host.ConsoleOutput;
import hvlab.vmm.host.HostControl;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.SnapshotInfo;
import hvlab.vmm.host.VmInfo;
import hvlab.tui.language.HistoryGraph;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state behind the terminal UI: the datacenter's hosts and VMs as last sampled, which VM is
 * selected, and what the UI asks of them. It talks to hosts only through {@link HostControl},
 * the same interface the management language uses, and only by sampling: a refresh a few times a
 * second reads reports the host keeps anyway, so watching a VM does not slow it down.
 */
final class DatacenterModel {
    private final List<HostControl> hosts;
    /** Each host's latest attestation: true trusted, false untrusted, absent not known (or no TPM). */
    private final Map<String, Boolean> hostTrusted = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String> hostVerdict = new java.util.concurrent.ConcurrentHashMap<>();
    private long attestedAt;
    /** How often the tree's host marks are renewed: a quote and its verification take milliseconds. */
    private static final long ATTEST_EVERY_NANOS = 10_000_000_000L;
    private final Map<String, VmRow> rows = new LinkedHashMap<>();
    private String selected;
    private String lastEvent = "";

    /** The datacenter's manager when the hosts are a datacenter's (null: hosts on their own), and its latest migration. */
    private final hvlab.vmmm.manager.ManagerCommands manager;
    final MigrationWatch migration = new MigrationWatch();
    /** The manager's patch flags and replications for view 7, or null without a manager. */
    final ManagerWatch managerWatch;

    DatacenterModel(List<HostControl> hosts) {
        this(hosts, null);
    }

    DatacenterModel(List<HostControl> hosts, hvlab.vmmm.manager.Datacenter datacenter) {
        this.hosts = List.copyOf(hosts);
        this.manager = datacenter == null ? null : new hvlab.vmmm.manager.ManagerCommands(datacenter, migration);
        this.managerWatch = manager == null ? null : new ManagerWatch(manager);
    }

    /** The manager's commands ({@code dc ...}), or null when there is no datacenter. */
    hvlab.vmmm.manager.ManagerCommands manager() {
        return manager;
    }

    /** View 7's host lines: load is the CPU share of its running VMs over its CPUs, as the balancer measures it. */
    List<DatacenterView.HostRow> hostRows() {
        List<DatacenterView.HostRow> out = new ArrayList<>();
        for (HostControl host : hosts) {
            int cpus = host instanceof hvlab.vmm.host.Host h ? h.threads() : 1;
            List<VmRow> mine = rows.values().stream().filter(r -> r.host.equals(host.name())).toList();
            double demand = mine.stream().filter(r -> r.info.state().equals("running")).mapToDouble(r -> r.info.share()).sum();
            out.add(new DatacenterView.HostRow(host.name(), hostMark(host.name()), cpus, mine.stream().filter(VmRow::active).count(),
                    mine.size(), demand / cpus));
        }
        return out;
    }

    /** Selects {@code vm} on {@code host} (after a migration, the VM is followed to its new host). */
    void select(String host, String vm) {
        String key = host + "/" + vm;
        if (rows.containsKey(key)) selected = key;
        else pendingSelection = key;
    }

    private String pendingSelection;

    List<HostControl> hosts() {
        return hosts;
    }

    /** How often the history view reads snapshot lists and history files (they live on disk). */
    private static final long HISTORY_EVERY_NANOS = 1_000_000_000L;
    private static final int HISTORY_EVENTS = 12;

    void refresh() {
        refresh(VmPanel.View.OVERVIEW);
    }

    /**
     * Samples every host: VM list, reports, and the selected VM's new console output; for the
     * view shown, also its snapshot tree and latest events (at most once a second) or its trap log.
     */
    void refresh(VmPanel.View view) {
        boolean withHistory = view == VmPanel.View.HISTORY;
        if (view == VmPanel.View.DATACENTER && managerWatch != null) {
            managerWatch.wanted();
        }
        long now = System.nanoTime();
        Map<String, VmRow> seen = new LinkedHashMap<>();
        for (HostControl host : hosts) {
            for (VmInfo info : host.list()) {
                String key = host.name() + "/" + info.name();
                VmRow row = rows.computeIfAbsent(key, k -> new VmRow(host.name(), info.name()));
                row.sample(info, now);
                seen.put(key, row);
            }
        }
        rows.keySet().retainAll(seen.keySet());
        if (pendingSelection != null && rows.containsKey(pendingSelection)) {
            selected = pendingSelection;
            pendingSelection = null;
        }
        if (now - attestedAt > ATTEST_EVERY_NANOS) {
            attestedAt = now;
            hosts.forEach(this::attestHost);
        }
        if (selected == null || !rows.containsKey(selected)) {
            selected = rows.isEmpty() ? null : rows.keySet().iterator().next();
        }
        VmRow row = selectedRow();
        if (row != null) {
            pollConsole(row);
            if (view == VmPanel.View.TRAP_LOG) {
                try {
                    row.trapLog.take(host(row.host).trapLog(row.name, row.trapLog.lastSeq));
                } catch (HostException vanished) {
                    // undefined meanwhile: the next refresh drops the row
                }
            }
            if (view == VmPanel.View.VMI && row.active() && now - row.vmi.readAt > HISTORY_EVERY_NANOS) {
                lookInside(row, false);
                row.vmi.readAt = now;
            }
            if (view == VmPanel.View.SCREEN) {
                try {
                    row.screen = row.active() ? host(row.host).screen(row.name) : List.of();
                } catch (HostException noScreen) {
                    row.screen = List.of(); // stopped, undefined, or a host that cannot show one
                }
            }
            if (withHistory && now - row.historyReadAt > HISTORY_EVERY_NANOS) {
                readHistory(row);
                row.historyReadAt = now;
            }
            if (view == VmPanel.View.OVERVIEW && now - row.recordingReadAt > HISTORY_EVERY_NANOS) {
                try {
                    row.recording = host(row.host).replay().recording(row.name);
                } catch (HostException noRecordingHere) {
                    row.recording = null; // a host that cannot record, or the VM went away
                }
                row.alerts = alertsOn(row);
                row.recordingReadAt = now;
            }
        }
    }

    /** What the host's IDS said about the network the VM's card is on (empty without a card, or on failure). */
    private List<hvlab.vmm.host.NetworkControl.Alert> alertsOn(VmRow row) {
        String network = row.info == null ? null : row.info.network();
        if (network == null) {
            return List.of();
        }
        try {
            return host(row.host).network().alerts().stream().filter(a -> a.network().equals(network)).toList();
        } catch (RuntimeException noSwitchHere) {
            return List.of(); // a host without a switch to ask (a remote one that cannot say)
        }
    }

    /**
     * View 6's reading: registers and IDT, and the integrity check once the user asked for it
     * ({@code firstCheck}: now, which takes the baseline if there is none).
     */
    private void lookInside(VmRow row, boolean firstCheck) {
        HostControl host = host(row.host);
        String actor = "ui";
        try {
            row.vmi.registers = ((VmiResult.Registers) host.vmi(row.name, new VmiRequest.Registers(), actor)).values();
            row.vmi.gates = ((VmiResult.Idt) host.vmi(row.name, new VmiRequest.Idt(), actor)).gates();
            var profile = row.info == null ? null : hvlab.tui.language.OsProfiles.builtIn(row.info.guest());
            if (profile != null) {
                row.vmi.processes = ((VmiResult.Processes) host.vmi(row.name, new VmiRequest.Processes(profile), actor)).processes();
            }
            if (firstCheck || row.vmi.watching) {
                row.vmi.integrity = (VmiResult.Integrity) host.vmi(row.name, new VmiRequest.Integrity(false), actor);
                if (profile != null) {
                    row.vmi.kernel = (VmiResult.KernelIntegrity) host.vmi(row.name, new VmiRequest.KernelIntegrity(profile, false), actor);
                }
                row.vmi.watching = true;
            }
            row.vmi.problem = null;
        } catch (HostException e) {
            row.vmi.problem = e.getMessage();
        }
    }

    /**
     * Asks the host to attest itself with a fresh nonce (paper IV.A.2: is the proper VMM running?),
     * for the tree's mark next to the host.
     */
    private void attestHost(HostControl host) {
        try {
            var verdict = host.attest(host.name(), freshNonce(), null).verdict();
            hostTrusted.put(host.name(), verdict.trusted());
            hostVerdict.put(host.name(), verdict.trusted() ? "trusted" : "UNTRUSTED: " + verdict.refusals().getFirst());
        } catch (HostException noTpm) {
            hostTrusted.remove(host.name());
            hostVerdict.put(host.name(), noTpm.getMessage());
        }
    }

    /** The host's mark in the tree: ✓ attested as the proper VMM, ✗ not, blank when unknown. */
    String hostMark(String host) {
        Boolean trusted = hostTrusted.get(host);
        return trusted == null ? "" : trusted ? "✓" : "✗";
    }

    /** A: attest the selected VM by a deep quote (its vTPM's quote bound to its host's); the verdict for the status line. */
    String attestSelected() {
        VmRow row = selectedRow();
        if (row == null) {
            return "no VM selected";
        }
        try {
            var verdict = host(row.host).attest(row.name, freshNonce(), null).verdict();
            return row.name + (verdict.trusted() ? ": trusted (its vTPM and its host's TPM agree with the references)"
                    : ": UNTRUSTED: " + verdict.refusals().getFirst());
        } catch (HostException e) {
            return row.name + ": " + e.getMessage();
        }
    }

    private static byte[] freshNonce() {
        byte[] nonce = new byte[16];
        new java.security.SecureRandom().nextBytes(nonce);
        return nonce;
    }

    /** I in view 6: the first press takes the baseline, and from then on every reading checks against it. */
    String checkIntegrity() {
        VmRow row = selectedRow();
        if (row == null || !row.active()) {
            return "start the VM to check its integrity";
        }
        lookInside(row, true);
        VmiResult.Integrity r = row.vmi.integrity;
        if (r == null) {
            return row.vmi.problem;
        }
        return r.baselineTaken() ? row.name + ": integrity baseline taken (" + r.gatesWatched() + " gates); checking from now on"
                : row.name + ": " + (r.findings().isEmpty() ? "clean" : r.findings().size() + " change(s) since the baseline");
    }

    /** Forgets when the selected VM's history was read, so the next refresh reads it again. */
    void historyChanged() {
        VmRow row = selectedRow();
        if (row != null) {
            row.historyReadAt = 0;
        }
    }

    private void readHistory(VmRow row) {
        try {
            HostControl host = host(row.host);
            List<SnapshotInfo> snapshots = host.snapshots(row.name);
            List<String> events = host.history(row.name);
            List<String> lines = new ArrayList<>();
            lines.add("Snapshots");
            if (snapshots.isEmpty()) {
                lines.add("  none yet: its life is a line (S takes one)");
            } else {
                HistoryGraph.compactTree(snapshots, events).forEach(line -> lines.add("  " + line));
            }
            lines.add("");
            lines.add("Latest events");
            var parsed = HistoryGraph.parse(events);
            for (int i = parsed.size() - 1; i >= Math.max(0, parsed.size() - HISTORY_EVENTS); i--) {
                lines.add("  " + HistoryGraph.describe(parsed.get(i), true));
            }
            row.history = lines;
        } catch (HostException vanished) {
            row.history = List.of(vanished.getMessage());
        }
    }

    /** Takes a snapshot of the selected VM, named after the time; returns what to tell the user. */
    String snapshot() {
        VmRow row = selectedRow();
        if (row == null) {
            return "no VM selected";
        }
        String name = "ui-" + java.time.LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HHmmss"));
        try {
            SnapshotInfo taken = host(row.host).snapshot(row.name, name, "ui");
            row.historyReadAt = 0;
            return row.name + ": snapshot " + taken.name() + " taken (" + (taken.fullMemory() ? "all of RAM" : taken.pages()
                    + " pages changed since " + taken.parent()) + ")";
        } catch (HostException e) {
            return e.getMessage();
        }
    }

    private void pollConsole(VmRow row) {
        try {
            ConsoleOutput out = host(row.host).console(row.name, row.console.position());
            if (out.next() > row.console.position()) {
                row.console.append(out.text(), out.from(), out.next());
            }
        } catch (HostException vanished) {
            // the VM was undefined between the list and now: the next refresh drops it
        }
    }

    List<VmRow> rows() {
        return new ArrayList<>(rows.values());
    }

    VmRow selectedRow() {
        return selected == null ? null : rows.get(selected);
    }

    void move(int delta) {
        List<String> keys = new ArrayList<>(rows.keySet());
        if (keys.isEmpty()) {
            return;
        }
        int at = Math.max(0, keys.indexOf(selected));
        at = Math.floorMod(at + delta, keys.size());
        selected = keys.get(at);
    }

    /** Applies {@code action} to the selected VM; returns what to tell the user. */
    String act(PowerAction action) {
        VmRow row = selectedRow();
        if (row == null) {
            return "no VM selected";
        }
        try {
            VmInfo after = host(row.host).act(row.name, action, "ui");
            if (action == PowerAction.START || action == PowerAction.RESET) {
                row.console.clear();
            }
            return row.name + ": " + action.label() + " -> " + after.state();
        } catch (HostException e) {
            return e.getMessage();
        }
    }

    /** Types {@code text} into the selected VM's serial port. */
    String send(String text) {
        VmRow row = selectedRow();
        if (row == null) {
            return "no VM selected";
        }
        try {
            host(row.host).send(row.name, text.getBytes(StandardCharsets.UTF_8));
            return "";
        } catch (HostException e) {
            return e.getMessage();
        }
    }

    void event(String text) {
        lastEvent = text;
    }

    String lastEvent() {
        return lastEvent;
    }

    HostControl host(String name) {
        for (HostControl host : hosts) {
            if (host.name().equals(name)) {
                return host;
            }
        }
        throw new HostException("no host " + name);
    }
}
