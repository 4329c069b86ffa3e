package hvlab.tui.threat;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmmm.attack.MitmProxy;
import hvlab.vmmm.manager.EmbeddedDatacenter;
import hvlab.vmmm.migration.MigrationException;
import hvlab.vmmm.migration.Migrations;
import hvlab.vmmm.protocol.MigrationLimits;
import hvlab.vmmm.tls.DatacenterCa;
import hvlab.vmmm.tls.Tls;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Network -> VMM (paper IV.D.1; Oberheide, Cooke and Jahanian 2008): an outsider on the path of a
 * live migration rewrites the guest's memory in transit ({@code MitmProxy}, the relay of
 * {@code hv attack mitm}), and an outsider with a VMM of its own pushes a forged migration stream
 * into a host. Undefended: plaintext migration ({@code dc migrate --insecure}, hosts with an
 * insecure port); defended: the hosts' mutual TLS under the datacenter's CA.
 */
final class NetworkToVmm implements ThreatScenario {
    @Override
    public String edge() {
        return "network-vmm";
    }

    @Override
    public String title() {
        return "Network -> VMM: an outsider attacks the VMM";
    }

    @Override
    public String attacks() {
        return "rewrite a VM in a live migration (Oberheide et al.); push a forged migration stream into a host";
    }

    @Override
    public ScenarioRun run(boolean defended, Path scratch, Narration log) throws Exception {
        long start = System.currentTimeMillis();
        List<Finding> findings = new ArrayList<>();
        try (EmbeddedDatacenter dc = EmbeddedDatacenter.start(scratch, 2, 1, !defended)) {
            Host h1 = dc.host("h1");
            Host h2 = dc.host("h2");
            h1.create(VmSpec.of("web", "counter"));
            h1.act("web", PowerAction.START, "tenant");
            Scratch.await(10_000, () -> h1.console("web", 0).text().contains("count 2"));

            List<String> seen = new CopyOnWriteArrayList<>();
            InetSocketAddress target = defended ? dc.server("h2").address() : dc.server("h2").insecureAddress();
            String outcome;
            int rewritten;
            try (MitmProxy mitm = new MitmProxy(0, target, "count ", "owned ", seen::add)) {
                log.step("attacker relays h1 -> h2 at " + mitm.address() + "; the manager migrates web" + (defended ? "" : " --insecure"));
                try {
                    dc.manager().migrate("web", "h1", "h2", !defended, MigrationLimits.DEFAULT, p -> { }, mitm.address());
                    outcome = "web migrated to h2";
                } catch (IllegalArgumentException | java.io.IOException failed) {
                    outcome = "the migration failed: " + failed.getMessage();
                }
                rewritten = mitm.rewritten();
            }
            log.step(outcome + "; the relay rewrote " + rewritten + " places");
            boolean arrived = h2.hasVm("web");
            boolean owned = arrived && Scratch.await(5_000, () -> h2.console("web", 0).text().contains("owned "));
            boolean unauthenticated = arrived && Scratch.await(3_000,
                    () -> String.join("\n", h2.history("web")).contains("unauthenticated"));
            findings.add(Finding.surface("read guest memory in transit", Feature.TRANSFER, Property.CONFIDENTIALITY, rewritten > 0,
                    rewritten > 0 ? "the relay parsed the pages and found 'count ' " + rewritten + " times"
                            : "the relay saw only TLS records: " + seen.stream().filter(s -> s.startsWith("TLS")).findFirst().orElse("")));
            findings.add(Finding.surface("rewrite guest memory in transit", Feature.TRANSFER, Property.INTEGRITY, owned,
                    owned ? "web runs on h2 and prints 'owned N'" : "web never ran changed (" + (arrived ? "it arrived intact" : "it stayed on h1")
                            + ")"));
            boolean stillRunning = arrived || h1.info("web").state().equals("running");
            findings.add(Finding.surface("break the VM by attacking its move", Feature.TRANSFER, Property.AVAILABILITY, !stillRunning,
                    arrived ? "web runs on h2" : "web runs on at h1: " + h1.info("web").state()));
            findings.add(Finding.surface("pass as the source host", Feature.TRANSFER, Property.AUTHENTICITY, unauthenticated,
                    unauthenticated ? "h2's history: web came from a peer that proved nothing (unauthenticated)"
                            : arrived ? "h2 knows h1 sent it (TLS, CN=h1)" : "nothing arrived"));

            // A forged stream: the attacker's own VMM, with credentials of its own making, offers a VM to h2.
            try (Host evil = new Host("evil", scratch.resolve("evil"), 1)) {
                evil.create(VmSpec.of("implant", "counter"));
                evil.act("implant", PowerAction.START, "attacker");
                Scratch.await(10_000, () -> evil.console("implant", 0).text().contains("count 1"));
                Tls own = Tls.of(DatacenterCa.init(scratch.resolve("evil-ca")), "h1");
                InetSocketAddress door = defended ? dc.server("h2").address() : dc.server("h2").insecureAddress();
                String forged;
                try {
                    Migrations.migrate(evil, own, "implant", "h2", door, !defended, MigrationLimits.DEFAULT, p -> { });
                    forged = "h2 accepted it";
                } catch (MigrationException refused) {
                    forged = "refused: " + refused.getMessage();
                }
                log.step("forged stream to h2 " + (defended ? "(TLS port, a certificate of the attacker's own CA claiming h1)"
                        : "(plaintext port)") + ": " + forged);
                boolean implanted = h2.hasVm("implant") && Scratch.await(5_000, () -> h2.info("implant").state().equals("running"));
                findings.add(Finding.surface("plant a VM of its own on a host", Feature.TRANSFER, Property.INTEGRITY, implanted,
                        implanted ? "h2 runs 'implant', which no manager ordered" : forged));
                findings.add(Finding.defence("act as a host of the datacenter", Feature.VMM_MANAGEMENT, Property.AUTHENTICITY, implanted,
                        implanted ? "the plaintext port takes migrations from anyone" : "only the datacenter CA's certificates get a handshake"));
            }
        }
        return new ScenarioRun(edge(), defended, defended ? "mutual TLS between hosts (the default)"
                : "plaintext migration (dc migrate --insecure, hosts with --insecure-port)", findings, System.currentTimeMillis() - start);
    }
}
