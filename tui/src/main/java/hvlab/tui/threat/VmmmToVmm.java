package hvlab.tui.threat;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmm.vmi.Signature;
import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.migration.Placement;
import hvlab.vmmm.protocol.MigrationLimits;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * VMMM -> VMM (paper IV.D.1: "improper management can also lead to the transfer of VMs to
 * unsecure hosts", IV.D.5's single point of control, IV.E.2's loss of location-boundedness): a
 * compromised manager moves a tenant's VM to a host outside the zone it was placed in, where that
 * host's administrator reads its memory. Defended: the VM's placement policy (allowed hosts),
 * checked by the source host before a byte leaves; undefended: a VM with no placement policy.
 * Either way every move is in both hosts' histories and secure logs.
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
        return "migrate a tenant's VM to a host outside its zone, and read it there";
    }

    @Override
    public ScenarioRun run(boolean defended, Path scratch, Narration log) throws Exception {
        long start = System.currentTimeMillis();
        List<Finding> findings = new ArrayList<>();
        try (EmbeddedDatacenter dc = EmbeddedDatacenter.start(scratch, 2, 1, false)) {
            Host h1 = dc.host("h1");
            Host h2 = dc.host("h2");
            h1.create(VmSpec.of("payroll", "counter"));
            if (defended) {
                new Placement(List.of("h1"), List.of("h1")).write(h1.store().folder("payroll"));
                log.step("payroll may run only on h1 (its placement policy)");
            } else {
                log.step("payroll has no placement policy: any host of the datacenter");
            }
            h1.act("payroll", PowerAction.START, "tenant");
            Scratch.await(10_000, () -> h1.console("payroll", 0).text().contains("count 2"));
            String outcome;
            try {
                dc.manager().migrate("payroll", "h1", "h2", false, MigrationLimits.DEFAULT, p -> { });
                outcome = "payroll moved to h2";
            } catch (IllegalArgumentException | java.io.IOException refused) {
                outcome = "refused: " + refused.getMessage();
            }
            log.step("manager: dc migrate payroll --to h2 -> " + outcome);
            boolean moved = h2.hasVm("payroll") && Scratch.await(5_000, () -> h2.info("payroll").state().equals("running"));
            findings.add(Finding.surface("take a VM out of its zone", Feature.LOCATION, Property.CONFIDENTIALITY, moved,
                    moved ? "payroll has now been on h1, h2" : outcome));

            String read = "nothing to read: payroll is not on h2";
            boolean seen = false;
            if (moved) {
                try {
                    var scan = (VmiResult.Scan) h2.vmi("payroll", new VmiRequest.Scan(List.of(
                            new Signature("its counter", "count ".getBytes(StandardCharsets.US_ASCII)))), "h2-admin");
                    seen = !scan.matches().isEmpty();
                    read = seen ? "h2's administrator found its data at 0x" + Long.toHexString(scan.matches().getFirst().address())
                            : "the scan found nothing";
                } catch (HostException refused) {
                    read = "refused: " + refused.getMessage();
                }
            }
            log.step("h2's administrator: vmi scan payroll -> " + read);
            findings.add(Finding.surface("read the VM on the less trusted host", Feature.TRANSFER, Property.CONFIDENTIALITY, seen, read));
            findings.add(Finding.surface("keep the tenant's VM running while moving it", Feature.TRANSFER, Property.AVAILABILITY,
                    !moved && !h1.info("payroll").state().equals("running"), moved ? "it runs on h2" : "it runs on at h1"));
            boolean logged = !moved || h1.secureLog().stream().anyMatch(r -> r.kind().equals("migrated") && r.vm().equals("payroll"))
                    || h2.secureLog().stream().anyMatch(r -> r.vm().equals("payroll") && r.kind().contains("migrat"));
            findings.add(Finding.defence("move it without a trace", Feature.LOGGING, Property.NON_REPUDIATION, !logged,
                    moved ? (logged ? "the move is in the secure logs of h1 and h2, with the manager as the actor" : "no record")
                            : "nothing moved"));
        }
        return new ScenarioRun(edge(), defended, defended ? "placement policy: payroll may run on h1 only"
                : "no placement policy (any host)", findings, System.currentTimeMillis() - start);
    }
}
