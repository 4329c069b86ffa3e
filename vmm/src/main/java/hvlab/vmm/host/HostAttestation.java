package hvlab.vmm.host;

import hvlab.vmm.attestation.Evidence;
import hvlab.vmm.attestation.Freshness;
import hvlab.vmm.attestation.ReferencePolicy;
import hvlab.vmm.attestation.Verdict;
import hvlab.vmm.attestation.Verifier;
import hvlab.vmm.tpm.EventLog;
import hvlab.vmm.tpm.Installation;
import hvlab.vmm.tpm.MeasuredLaunch;
import hvlab.vmm.tpm.MonotonicCounters;
import hvlab.vmm.tpm.Sha256;
import hvlab.vmm.tpm.Tpm;
import hvlab.vmm.tpm.VirtualTpm;
import hvlab.vmm.tpm.VmLaunch;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A host's trusted computing: its TPM, measured at start (paper IV.A.2), the vTPMs of its VMs
 * (Berger's vTPM), and a verifier that attests both (paper IV.C.8). The references a verifier
 * compares with are recorded on first use: the host's at its first measured launch
 * ({@code <store>/tpm/reference-host-NAME.json}), a VM's when it is defined
 * ({@code vtpm-reference.json} in its folder).
 *
 * <p>Files of a VM's vTPM, in its folder: {@code vtpm.json} (keys and NV, wrapped under a key
 * derived from the host TPM's storage root key) and {@code vtpm-counters.json} (its monotonic
 * counters, which no snapshot holds and no revert touches).
 */
final class HostAttestation {
    static final String VTPM = "vtpm.json";
    static final String COUNTERS = "vtpm-counters.json";
    static final String REFERENCE = "vtpm-reference.json";

    private final String hostName;
    private final Installation installation;
    private final Tpm tpm;
    private final SecretKey vtpmWrapping;
    private final Path hostReference;
    private final Verifier verifier;

    HostAttestation(String hostName, Path store, Map<String, String> environment) {
        this(hostName, store, environment, MeasuredLaunch.DEFAULT_POLICY);
    }

    HostAttestation(String hostName, Path store, Map<String, String> environment, List<String> policy) {
        this.hostName = hostName;
        this.installation = Installation.open(store);
        this.tpm = installation.hostTpm(hostName);
        MeasuredLaunch.measureHost(tpm, MeasuredLaunch.configuration(hostName, environment), policy);
        this.vtpmWrapping = tpm.storageKeyFor("vtpm-state");
        this.hostReference = installation.folder().resolve("reference-host-" + hostName + ".json");
        this.verifier = new Verifier(installation.manufacturer().publicKey(), new Freshness(installation.folder().resolve("nonces-used")));
        if (!Files.isRegularFile(hostReference)) {
            write(hostReference, ReferencePolicy.fromLog("host " + hostName + " as first launched", tpm.log(), MeasuredLaunch.HOST_SELECTION));
        }
    }

    Tpm hostTpm() {
        return tpm;
    }

    /** Records what a VM defined from {@code image} should measure (trust on first use). */
    void recordReference(VmDefinition d, byte[] image, Path folder) {
        write(folder.resolve(REFERENCE), ReferencePolicy.fromLog("VM " + d.name() + " as defined",
                VmLaunch.events(d.name(), image, VmLaunch.configuration(d.memoryBytes(), d.mode(), d.closedBox())), VmLaunch.SELECTION));
    }

    /** The VM's vTPM: its keys and NV from its folder, or a new one certified by this host's TPM. */
    VirtualTpm vtpmFor(VmDefinition d, Path folder) {
        MonotonicCounters counters = new MonotonicCounters(folder.resolve(COUNTERS));
        Path file = folder.resolve(VTPM);
        Tpm vtpm = null;
        if (Files.isRegularFile(file)) {
            try {
                vtpm = Tpm.fromState(Installation.read(file), vtpmWrapping, counters);
            } catch (RuntimeException foreign) {
                vtpm = null; // wrapped by another host's TPM (an imported folder): this host gives it a new vTPM
            }
        }
        if (vtpm == null) {
            vtpm = Tpm.manufacture("vm " + d.name() + " " + d.uuid(), tpm, counters);
            Installation.write(file, vtpm.state(vtpmWrapping));
        }
        return new VirtualTpm(vtpm, vtpmWrapping, d.uuid(), t -> Installation.write(file, t.state(vtpmWrapping)), d.closedBox());
    }

    /** A key this host's TPM makes for the vTPM of {@code vm}, arriving by migration (VtpmTransfer). */
    hvlab.vmm.tpm.VtpmTransfer.Importer vtpmImporter(String vm) {
        return hvlab.vmm.tpm.VtpmTransfer.importKey(tpm, vm);
    }

    /** The monotonic counters of the VM whose folder is {@code folder}. */
    static MonotonicCounters counters(Path folder) {
        return new MonotonicCounters(folder.resolve(COUNTERS));
    }

    /** The clone of a VM's vTPM: the same measurements under a new identity certified by this host. */
    Tpm newIdentity(Tpm vtpm, VmDefinition d) {
        return vtpm.withNewIdentity("vm " + d.name() + " " + d.uuid(), tpm);
    }

    TpmReport hostReport() {
        return report(hostName, tpm, "measured at this host's start");
    }

    static TpmReport report(String target, Tpm tpm, String note) {
        synchronized (tpm) {
            List<String> pcrs = tpm.pcrValues().stream().map(Sha256::hex).toList();
            List<String> replayed = EventLog.replay(tpm.log()).stream().map(Sha256::hex).toList();
            return new TpmReport(target, tpm.name(), pcrs, replayed, tpm.log(), note);
        }
    }

    AttestationReport attestHost(byte[] nonce, ReferencePolicy policy) {
        Evidence evidence = Evidence.of(tpm, MeasuredLaunch.HOST_SELECTION, nonce);
        Verdict verdict = verifier.verify("host " + hostName, evidence, nonce, policy != null ? policy : ReferencePolicy.read(hostReference));
        return new AttestationReport(verdict, evidence, null, Sha256.hex(nonce), "measured at this host's start");
    }

    /** A deep quote: the vTPM's quote over {@code nonce}, and this host's quote bound to it. */
    AttestationReport attestVm(String vm, Tpm vtpm, Path folder, byte[] nonce, ReferencePolicy policy, String note) {
        ReferencePolicy reference = policy;
        if (reference == null) {
            Path file = folder.resolve(REFERENCE);
            if (!Files.isRegularFile(file)) {
                throw new HostException("'" + vm + "' has no reference measurements (defined before hvlab had vTPMs): "
                        + "'tpm accept " + vm + "' records them as they are now, or give --policy FILE");
            }
            reference = ReferencePolicy.read(file);
        }
        Evidence evidence = Evidence.of(vtpm, VmLaunch.SELECTION, nonce);
        Evidence host = Evidence.of(tpm, MeasuredLaunch.HOST_SELECTION, Verifier.bindingNonce(evidence.quote()));
        Verdict verdict = verifier.verifyDeep("VM " + vm, evidence, nonce, reference, host, ReferencePolicy.read(hostReference));
        return new AttestationReport(verdict, evidence, host, Sha256.hex(nonce), note);
    }

    /** The host's measurements now become its reference. */
    ReferencePolicy acceptHost() {
        ReferencePolicy policy = ReferencePolicy.fromLog("host " + hostName + " as accepted", tpm.log(), MeasuredLaunch.HOST_SELECTION);
        write(hostReference, policy);
        return policy;
    }

    /** A VM's measurements now become its reference. */
    ReferencePolicy acceptVm(String vm, Tpm vtpm, Path folder) {
        ReferencePolicy policy = ReferencePolicy.fromLog("VM " + vm + " as accepted", vtpm.log(), VmLaunch.SELECTION);
        write(folder.resolve(REFERENCE), policy);
        return policy;
    }

    private static void write(Path file, ReferencePolicy policy) {
        try {
            policy.write(file);
        } catch (IOException e) {
            throw new HostException("cannot write the reference measurements " + file + ": " + VmStore.reason(e));
        }
    }
}
