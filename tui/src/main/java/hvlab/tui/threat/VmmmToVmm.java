package hvlab.tui.threat;

import hvlab.vmm.attestation.ReferencePolicy;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.HostProfile;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmm.vmi.Signature;
import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import hvlab.vmmm.host.HostServer;
import hvlab.vmmm.manager.Datacenter;
import hvlab.vmmm.migration.Placement;
import hvlab.vmmm.protocol.MigrationLimits;
import hvlab.vmmm.tls.DatacenterCa;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * VMMM -> VMM (paper IV.D.1: "improper management can also lead to the transfer of VMs to
 * unsecure hosts"; IV.D.5's single point of control; IV.E.2's loss of location-boundedness): a
 * compromised manager moves a tenant's VM out of its zone, and joins a rogue host (hvlab's code,
 * run by the attacker, allowed to look inside VMs) to move the VM there and read it; and pushes a
 * bad patch to an hvos VM ({@link BadPatch}).
 * Defended, after the paper's VI.A.1: the datacenter's hosts run the availability profile, the
 * join policy pins PCR 0 (the VMM's code) and PCR 7 (its policy, with the profile), and the VM has
 * a placement policy. Undefended: full-profile hosts, a join policy pinning the code only, no
 * placement, and a patch step without its snapshot ({@link UnguardedPatch}). Every move and
 * patch is in the hosts' histories and secure logs either way.
 */
final class VmmmToVmm implements ThreatScenario {
    @Override
    public String edge() {
        return "vmmm-vmm";
    }

    @Override
    public String title() {
        return "VMMM -> VMM: a compromised manager attacks a VMM";
    }

    @Override
    public String attacks() {
        return "move a tenant's VM out of its zone; join a rogue host and move the VM there to read it; push a bad patch";
    }

    @Override
    public ScenarioRun run(boolean defended, Path scratch, Narration log) throws Exception {
        long start = System.currentTimeMillis();
        List<Finding> findings = new ArrayList<>();
        HostProfile profile = defended ? HostProfile.AVAILABILITY : HostProfile.FULL;
        DatacenterCa ca = DatacenterCa.init(scratch.resolve("dc"));
        List<HostServer> servers = new ArrayList<>();
        try (Datacenter manager = new Datacenter(ca)) {
            for (String name : List.of("h1", "h2")) {
                Host host = new Host(name, scratch.resolve(name), 1, profile);
                servers.add(new HostServer(host, ca, InetAddress.getLoopbackAddress(), 0, -1));
                manager.join(name, servers.getLast().address(), null);
            }
            Host h1 = servers.get(0).host();
            Host h2 = servers.get(1).host();
            if (!defended) {
                // The weakened join policy: the VMM's code only, not the policy it enforces.
                ReferencePolicy full = ReferencePolicy.read(manager.policy().policyFile());
                new ReferencePolicy(full.name() + " (code only)", Map.of(0, full.pcrs().get(0)),
                        full.events().stream().filter(e -> e.pcr() == 0).toList()).write(manager.policy().policyFile());
            }
            log.step("hosts h1, h2 run the " + profile.label() + " profile; the join policy pins "
                    + (defended ? "PCR 0 and 7 (code and policy)" : "PCR 0 only (code)"));
            h1.create(VmSpec.of("payroll", "counter"));
            if (defended) new Placement(List.of("h1"), List.of("h1")).write(h1.store().folder("payroll"));
            h1.act("payroll", PowerAction.START, "tenant");
            Scratch.await(10_000, () -> h1.console("payroll", 0).text().contains("count 2"));

            String out = migrate(manager, "h2");
            boolean moved = h2.hasVm("payroll") && Scratch.await(5_000, () -> h2.info("payroll").state().equals("running"));
            log.step("manager: migrate payroll to h2 -> " + out);
            findings.add(Finding.surface("take a VM out of its zone", Feature.LOCATION, Property.CONFIDENTIALITY, moved,
                    moved ? "payroll has now been on h1, h2" : out));
            Host where = moved ? h2 : h1;
            String seen = read(where);
            log.step(where.name() + "'s administrator: vmi scan payroll -> " + seen);
            findings.add(Finding.surface("read the VM where it runs", Feature.INTROSPECTION, Property.CONFIDENTIALITY,
                    seen.startsWith("found"), seen));

            // The rogue host: hvlab's own VMM, run by the attacker with every power, certified by the manager's CA.
            try (Host rogue = new Host("h3", scratch.resolve("h3"), 1, HostProfile.FULL);
                 HostServer server = new HostServer(rogue, ca, InetAddress.getLoopbackAddress(), 0, -1)) {
                String joined;
                try {
                    manager.join("h3", server.address(), null);
                    joined = "h3 joined";
                } catch (Datacenter.JoinRefused refused) {
                    joined = refused.getMessage();
                }
                boolean member = manager.hosts().stream().anyMatch(h -> h.name().equals("h3"));
                log.step("manager: join the rogue h3 (profile full) -> " + joined);
                findings.add(Finding.defence("pass a rogue VMM off as the datacenter's", Feature.ATTESTATION, Property.AUTHENTICITY,
                        member, member ? "h3's quote matched a policy that does not look at PCR 7" : joined));
                findings.add(Finding.defence("a TPM that vouches for the rogue", Feature.TPM, Property.INTEGRITY, member,
                        member ? "PCR 7 says 'profile: full', but nobody checked it" : "PCR 7 holds the rogue's policy, and the policy differs"));
                boolean stolen = false;
                String there = "h3 is not in the datacenter: nothing to migrate to";
                if (member) {
                    String to = migrate(manager, "h3");
                    there = rogue.hasVm("payroll") ? read(rogue) : to;
                    stolen = there.startsWith("found");
                }
                log.step("manager: migrate payroll to h3, then h3's administrator reads it -> " + there);
                findings.add(Finding.surface("move the VM to the rogue and read it", Feature.TRANSFER, Property.CONFIDENTIALITY, stolen, there));
            }
            // A bad patch, pushed to an hvos VM on h1 (IV.D.4).
            findings.addAll(BadPatch.attack(defended, h1, log));

            boolean logged = h1.secureLog().stream().anyMatch(r -> r.vm().equals("payroll") && r.kind().contains("migrat"));
            boolean anyMove = moved || !h1.hasVm("payroll");
            findings.add(Finding.defence("move it without a trace", Feature.LOGGING, Property.NON_REPUDIATION, anyMove && !logged,
                    anyMove ? (logged ? "every move is in h1's secure log, with the manager as the actor" : "no record")
                            : "nothing moved"));
        } finally {
            for (HostServer s : servers) {
                s.close();
                s.host().close();
            }
        }
        return new ScenarioRun(edge(), defended, defended
                ? "availability hosts, join policy on PCR 0 and 7, placement: payroll on h1 only, a snapshot before every patch"
                : "full-profile hosts, join policy on PCR 0 only (weakened), no placement, patches written in place (weakened)", findings, System.currentTimeMillis() - start);
    }

    private static String migrate(Datacenter manager, String to) {
        try {
            manager.migrate("payroll", current(manager), to, false, MigrationLimits.DEFAULT, p -> { });
            return "payroll moved to " + to;
        } catch (IllegalArgumentException | java.io.IOException refused) {
            return "refused: " + refused.getMessage();
        }
    }

    /** The host payroll runs on, as the manager finds it. */
    private static String current(Datacenter manager) {
        for (var entry : manager.hosts()) {
            try {
                if (manager.call(entry.name(), "info", "payroll").contains("running")) return entry.name();
            } catch (IllegalArgumentException | java.io.IOException notThere) {
                // not on this host
            }
        }
        return "h1";
    }

    private static String read(Host host) {
        try {
            var scan = (VmiResult.Scan) host.vmi("payroll", new VmiRequest.Scan(List.of(
                    new Signature("its counter", "count ".getBytes(StandardCharsets.US_ASCII)))), "admin");
            return scan.matches().isEmpty() ? "the scan found nothing"
                    : "found its data at 0x" + Long.toHexString(scan.matches().getFirst().address()) + " on " + host.name();
        } catch (HostException refused) {
            return "refused: " + refused.getMessage();
        }
    }
}
