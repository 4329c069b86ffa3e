package hvlab.vmm.host;

import hvlab.vmm.attestation.Freshness;
import hvlab.vmm.attestation.Refusal;
import hvlab.vmm.attestation.Verdict;
import hvlab.vmm.tpm.MeasuredLaunch;
import hvlab.vmm.tpm.TpmEvent;
import hvlab.vmm.tpm.VmLaunch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The host's measured launch, its VMs' vTPMs and attestation, on a real host. */
class HostTpmTest {
    @TempDir
    Path dir;
    Host host;

    @AfterEach
    void close() {
        if (host != null) host.close();
    }

    @Test
    void anHonestHostIsTrustedAndItsQuoteCannotBeReplayed() {
        host = new Host("local", dir.resolve("store"), 1);
        byte[] nonce = Freshness.challenge();
        Verdict verdict = host.attest("local", nonce, null).verdict();
        assertTrue(verdict.trusted(), verdict.describe());
        assertTrue(host.attest("local", nonce, null).verdict().refusedFor(Refusal.REPLAYED));
        TpmReport report = host.tpm("local");
        assertEquals(report.replayedPcrs(), report.pcrs(), "the log replays to the PCRs");
        assertTrue(report.log().stream().anyMatch(e -> e.description().endsWith("hvlab/vmm/Vm.class")),
                "each class of the VMM is an event");
    }

    @Test
    void aHostWhoseVmmRunsWithAnotherFlagIsUntrustedNamingTheSetting() {
        Path store = dir.resolve("store");
        new HostAttestation("h", store, Map.of()); // the first launch records the reference
        HostAttestation traced = new HostAttestation("h", store, Map.of("HV_TRACE", "1"));
        Verdict verdict = traced.attestHost(Freshness.challenge(), null).verdict();
        assertFalse(verdict.trusted());
        String reason = verdict.refusals().getFirst().detail();
        assertTrue(reason.startsWith("PCR " + MeasuredLaunch.CONFIGURATION), reason);
        assertTrue(reason.contains("HV_TRACE=1"), reason);
    }

    @Test
    void aVmIsTrustedUntilItsImageChanges() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(VmSpec.of("h", "hello"));
        Verdict honest = host.attest("h", Freshness.challenge(), null).verdict();
        assertTrue(honest.trusted(), honest.describe());
        assertTrue(honest.checked().stream().anyMatch(c -> c.startsWith("deep quote")), honest.describe());

        Path image = host.store().folder("h").resolve(VmStore.IMAGE);
        byte[] bytes = Files.readAllBytes(image);
        bytes[bytes.length - 1] ^= 0x20;
        Files.write(image, bytes);
        Verdict changed = host.attest("h", Freshness.challenge(), null).verdict();
        assertFalse(changed.trusted());
        String reason = changed.refusals().getFirst().detail();
        assertTrue(reason.startsWith("PCR " + VmLaunch.IMAGE), reason);
        assertTrue(reason.contains(TpmEvent.GUEST_IMAGE), reason);
        assertTrue(host.history("h").stream().anyMatch(l -> l.contains("\"attested\"") && l.contains("\"trusted\":false")),
                "the verdict is an event in the VM's history");
    }

    @Test
    void aRunningVmIsMeasuredBeforeItsFirstInstructionAndACloneIsAnotherTpm() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(VmSpec.of("c", "counter"));
        host.act("c", PowerAction.START, "test");
        TpmReport report = host.tpm("c");
        assertEquals(TpmEvent.GUEST_IMAGE, report.log().getFirst().type(), "the image is the first thing measured");
        assertTrue(host.attest("c", Freshness.challenge(), null).verdict().trusted());

        host.cloneVm("c", "c2", "test");
        host.act("c2", PowerAction.START, "test");
        var original = host.attest("c", Freshness.challenge(), null).evidence().quote().chain().get(1);
        var clone = host.attest("c2", Freshness.challenge(), null);
        assertFalse(java.util.Arrays.equals(original.publicKey(), clone.evidence().quote().chain().get(1).publicKey()),
                "a clone must not prove to be the VM it was copied from");
        assertTrue(clone.verdict().trusted(), clone.verdict().describe());
        assertTrue(host.history("c2").stream().anyMatch(l -> l.contains("vtpm-new-identity")));
    }

    @Test
    void aClosedBoxVmMeasuresItsPromiseAndTheHostKeepsIt() throws Exception {
        host = new Host("local", dir.resolve("store"), 1);
        host.create(new VmSpec("secret", "counter", null, null, VmSpec.DEFAULT_WEIGHT, 0, null, true));
        host.act("secret", PowerAction.START, "test");
        assertTrue(host.tpm("secret").log().stream().anyMatch(e -> e.description().equals("introspection=refused (closed box)")));
        assertTrue(host.attest("secret", Freshness.challenge(), null).verdict().trusted());
        HostException refused = assertThrows(HostException.class, () -> host.ramDigest("secret"));
        assertTrue(refused.getMessage().contains("closed-box"), refused.getMessage());
        assertTrue(host.store().load("secret").closedBox(), "the choice is kept with the definition");
    }
}
