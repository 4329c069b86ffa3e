package hvlab.tui.roles;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Map.entry;

/**
 * The role each command of the management language needs. One table, checked by the
 * interpreter before any command runs, so that no command can forget its check; a command the
 * table does not name needs an admin (fail closed), and a test makes sure every command is named.
 */
public final class Permissions {
    private Permissions() {}

    private static final Map<String, Role> TABLE = Map.ofEntries(
            // reading: what there is and what happened, and introspection that changes nothing
            entry("vm list", Role.AUDITOR), entry("vm info", Role.AUDITOR), entry("vm history", Role.AUDITOR),
            entry("vm traps", Role.AUDITOR), entry("snapshot list", Role.AUDITOR), entry("image inspect", Role.AUDITOR),
            entry("vmi regs", Role.AUDITOR), entry("vmi read", Role.AUDITOR), entry("vmi idt", Role.AUDITOR),
            entry("vmi integrity", Role.AUDITOR), entry("vmi scan", Role.AUDITOR), entry("vmi ps", Role.AUDITOR),
            entry("vmi kernel", Role.AUDITOR), entry("vmi watch", Role.AUDITOR), entry("log show", Role.AUDITOR),
            entry("log verify", Role.AUDITOR),
            entry("tpm pcrs", Role.AUDITOR), entry("tpm log", Role.AUDITOR), entry("tpm policy", Role.AUDITOR),
            entry("attest", Role.AUDITOR), entry("net list", Role.AUDITOR), entry("net show", Role.AUDITOR),
            entry("net alerts", Role.AUDITOR), entry("covert", Role.AUDITOR), entry("wait", Role.AUDITOR),
            entry("expect console", Role.AUDITOR), entry("expect state", Role.AUDITOR), entry("expect share", Role.AUDITOR),
            entry("expect fails", Role.AUDITOR), entry("help", Role.AUDITOR), entry("quit", Role.AUDITOR),
            entry("user list", Role.AUDITOR), entry("user whoami", Role.AUDITOR),
            entry("vm recording", Role.AUDITOR), entry("net tunnels", Role.AUDITOR), entry("threat", Role.AUDITOR),
            entry("vm screen", Role.AUDITOR),
            // running VMs: lifecycle, consoles, snapshots, networks
            entry("vm create", Role.OPERATOR), entry("vm start", Role.OPERATOR), entry("vm pause", Role.OPERATOR),
            entry("vm resume", Role.OPERATOR), entry("vm reset", Role.OPERATOR), entry("vm shutdown", Role.OPERATOR),
            entry("vm poweroff", Role.OPERATOR), entry("vm destroy", Role.OPERATOR), entry("vm undefine", Role.OPERATOR),
            entry("vm console", Role.OPERATOR), entry("vm send", Role.OPERATOR), entry("vm clone", Role.OPERATOR),
            entry("vm attach", Role.OPERATOR), entry("vm detach", Role.OPERATOR), entry("snapshot create", Role.OPERATOR),
            entry("snapshot revert", Role.OPERATOR), entry("snapshot delete", Role.OPERATOR), entry("net create", Role.OPERATOR),
            entry("vmi lies", Role.OPERATOR), // it types ps into the guest
            // A replay runs a copy of the VM's past in a machine of its own: it reads what the guest did.
            entry("vm replay", Role.OPERATOR), entry("net limit", Role.OPERATOR), entry("vm iotune", Role.OPERATOR),
            // power over guests' insides, over images that leave or enter, over traffic, over users
            entry("vmi restore", Role.ADMIN), entry("vmi write", Role.ADMIN), entry("vmi kill", Role.ADMIN),
            entry("vm gdb", Role.ADMIN), entry("vm backup", Role.ADMIN), entry("vm restore", Role.ADMIN),
            entry("vm migrate", Role.ADMIN), entry("image export", Role.ADMIN), entry("image import", Role.ADMIN),
            entry("tpm accept", Role.ADMIN), entry("net mirror", Role.ADMIN), entry("net capture", Role.ADMIN),
            entry("user add", Role.ADMIN), entry("user remove", Role.ADMIN),
            // Joining this host's switch to another's opens every network to that host.
            entry("net listen", Role.ADMIN), entry("net connect", Role.ADMIN), entry("dc", Role.ADMIN));

    /** Commands whose {@code --fresh} throws away the baseline that evidence is measured against: an auditor must not. */
    private static final Set<String> FRESH_IS_ADMIN = Set.of("vmi integrity", "vmi kernel");

    /** The role {@code command} ("vm start") needs, written with {@code words}. */
    public static Role needed(String command, List<String> words) {
        if (FRESH_IS_ADMIN.contains(command) && words.contains("--fresh")) {
            return Role.ADMIN;
        }
        if (command.equals("dc")) {
            return dcNeeds(words);
        }
        if (command.equals("vm recording") && words.contains("--stop")) {
            return Role.OPERATOR; // ends the recording: a change to the running VM's life
        }
        return TABLE.getOrDefault(command, Role.ADMIN);
    }

    /** The manager's commands that only read: where VMs run and may run, hosts, patch levels, replications. */
    private static final Set<String> DC_READS = Set.of("hosts", "where", "patches", "replicas");

    /**
     * {@code dc ...} by its manager's command: reading the datacenter is an auditor's, explaining a
     * balance ({@code --dry-run}) too; typing into a VM on a host, its console, a network, an
     * operator's; everything that moves, patches, quarantines, places or
     * replicates VMs across hosts is an admin's (it decides where a guest's memory goes, IV.E.2).
     */
    private static Role dcNeeds(List<String> words) {
        int at = words.indexOf("dc");
        String what = at >= 0 && at + 1 < words.size() ? words.get(at + 1) : "";
        if (DC_READS.contains(what) || (what.equals("balance") && words.contains("--dry-run"))) {
            return Role.AUDITOR;
        }
        if (what.equals("vm") || what.equals("net")) {
            return Role.OPERATOR; // typing into a VM, reading its console, a network: an operator's, on any host
        }
        return Role.ADMIN;
    }

    /** Every command the table names (for the test that every command of the language is in it). */
    public static Set<String> named() {
        return TABLE.keySet();
    }
}
