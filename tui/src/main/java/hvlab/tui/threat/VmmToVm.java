package hvlab.tui.threat;

import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmSpec;
import hvlab.vmm.vmi.VmiRequest;
import hvlab.vmm.vmi.VmiResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * VMM -> VM (paper IV.C.7 and IV.C.9, and its recommendation VI.A.1 to limit introspection and
 * intervention): the host's administrator, or whoever owns the VMM, reads a tenant's secret out
 * of its memory and rewrites it. The tenant is the {@code measured} guest, whose secret is 16
 * random bytes from its vTPM. Undefended it is an open-box VM; defended a closed-box one (Terra),
 * whose refusal of introspection is measured into its vTPM's PCR 5, so that the tenant can check
 * by attestation that this VMM made the promise.
 */
final class VmmToVm implements ThreatScenario {
    private static final long IMAGE = 0x100000;
    private static final int SPAN = 0x10000;

    @Override
    public String edge() {
        return "vmm-vm";
    }

    @Override
    public String title() {
        return "VMM -> VM: the VMM attacks a VM";
    }

    @Override
    public String attacks() {
        return "read a tenant's secret by introspection and from its image; rewrite it; roll it back";
    }

    @Override
    public ScenarioRun run(boolean defended, Path scratch, Narration log) throws Exception {
        long start = System.currentTimeMillis();
        List<Finding> findings = new ArrayList<>();
        try (Host host = new Host("h1", scratch.resolve("h1"), 1)) {
            host.create(new VmSpec("tenant", "measured", null, null, VmSpec.DEFAULT_WEIGHT, 0, null, defended));
            host.act("tenant", PowerAction.START, "tenant");
            Scratch.await(10_000, () -> host.console("tenant", 0).text().contains("tick 1"));
            byte[] secret = Scratch.hexAfter(host.console("tenant", 0).text(), "secret: ");
            if (secret == null) {
                throw new IllegalStateException("the tenant never said its secret: " + host.console("tenant", 0).text());
            }
            log.step("the tenant (" + (defended ? "closed box" : "open box") + ") sealed a secret of " + secret.length + " bytes");

            long found = -1;
            String readEvidence;
            try {
                var bytes = (VmiResult.Bytes) host.vmi("tenant", new VmiRequest.Read(IMAGE, SPAN), "admin");
                int at = Scratch.indexOf(bytes.bytes(), secret);
                found = at < 0 ? -1 : IMAGE + at;
                readEvidence = at < 0 ? "read 64 KiB of its memory; the secret was not there"
                        : String.format("found the secret at 0x%08x in 64 KiB read from outside: %s", found, HexFormat.of().formatHex(secret));
            } catch (HostException refused) {
                readEvidence = "refused: " + refused.getMessage();
            }
            log.step("admin: vmi read -> " + readEvidence);
            findings.add(Finding.surface("read the tenant's secret by introspection", Feature.INTROSPECTION,
                    Property.CONFIDENTIALITY, found >= 0, readEvidence));

            // The image (IV.B.1): a VM is files, and an exported one carries its memory.
            String imageEvidence;
            boolean inImage = false;
            try {
                var bundle = host.capture("tenant");
                Path file = scratch.resolve("tenant.ova");
                hvlab.vmm.image.ova.OvaWriter.write(bundle, file, null, null, hvlab.vmm.image.ova.Progress.NONE);
                if (bundle.disk() != null) java.nio.file.Files.deleteIfExists(bundle.disk());
                int at = Scratch.indexOf(java.nio.file.Files.readAllBytes(file), secret);
                inImage = at >= 0;
                imageEvidence = inImage ? "exported tenant.ova (" + java.nio.file.Files.size(file) / 1024 + " KiB): the secret is in it at byte " + at
                        : "exported tenant.ova: the secret is not in it";
            } catch (HostException | hvlab.vmm.image.ova.ImageRefused | java.io.IOException refused) {
                imageEvidence = "refused: " + refused.getMessage();
            }
            log.step("admin: image export tenant (not encrypted) -> " + imageEvidence);
            findings.add(Finding.surface("read the tenant's secret from a copy of its image", Feature.IMAGE, Property.CONFIDENTIALITY,
                    inImage, imageEvidence));

            byte[] forged = "attacker-chosen!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            String writeEvidence;
            boolean rewritten = false;
            try {
                host.vmi("tenant", new VmiRequest.Write(found >= 0 ? found : IMAGE, forged), "admin");
                var after = (VmiResult.Bytes) host.vmi("tenant", new VmiRequest.Read(found >= 0 ? found : IMAGE, forged.length), "admin");
                rewritten = java.util.Arrays.equals(after.bytes(), forged);
                writeEvidence = rewritten ? "the tenant's secret now reads 'attacker-chosen!'" : "the write did not stick";
            } catch (HostException refused) {
                writeEvidence = "refused: " + refused.getMessage();
            }
            log.step("admin: vmi write -> " + writeEvidence);
            findings.add(Finding.surface("rewrite the tenant's memory by intervention", Feature.INTERFERENCE,
                    Property.INTEGRITY, rewritten, writeEvidence));

            boolean logged = host.secureLog().stream().anyMatch(r -> r.kind().equals("vmi-intervention") && r.vm().equals("tenant"));
            String trace = rewritten ? (logged ? "the intervention is in the host's secure log, bytes before and after"
                    : "the intervention left no record") : "nothing was done, so there is nothing to deny";
            findings.add(Finding.defence("intervene without a trace", Feature.LOGGING, Property.NON_REPUDIATION,
                    rewritten && !logged, trace));

            String promise = host.tpm("tenant").log().stream().map(e -> e.description())
                    .filter(d -> d.startsWith("introspection=")).findFirst().orElse("no introspection promise measured");
            boolean verifiable = promise.contains("refused");
            findings.add(Finding.defence("look inside while the tenant believes it cannot", Feature.ATTESTATION, Property.AUTHENTICITY,
                    found >= 0 && verifiable, "the tenant's vTPM (PCR 5) holds '" + promise + "'"
                            + (verifiable ? ": a VMM that broke it would have to measure a different VMM (host PCR 0)"
                            : ": the tenant can see that this VMM may look")));
            log.step("the tenant's vTPM says: " + promise);

            // Rollback (IV.C.12, IV.E.3): take the tenant back to an earlier moment, undoing what it did since.
            host.snapshot("tenant", "earlier", "admin");
            Thread.sleep(1_000);
            host.revert("tenant", "earlier", "admin");
            boolean noticed = Scratch.await(5_000, () -> host.console("tenant", 0).text().contains("rollback detected"));
            String said = host.console("tenant", 0).text().lines().filter(l -> l.contains("rollback detected")).findFirst()
                    .orElse("nothing");
            log.step("admin: snapshot, a second, revert -> the tenant says: " + said);
            findings.add(Finding.surface("take the tenant back to an earlier state", Feature.ROLLBACK, Property.INTEGRITY, true,
                    "the revert went through: its memory is a second younger"));
            findings.add(Finding.defence("undo the tenant's history without it noticing", Feature.MONOTONICITY, Property.NON_REPUDIATION,
                    !noticed, noticed ? "its vTPM's monotonic counter, kept outside every snapshot, went on: '" + said + "'"
                            : "the tenant did not notice"));
            host.act("tenant", PowerAction.POWEROFF, "tenant");
        }
        return new ScenarioRun(edge(), defended, defended ? "closed-box VM (vm create --closed-box)" : "open-box VM (the default)",
                findings, System.currentTimeMillis() - start);
    }
}
