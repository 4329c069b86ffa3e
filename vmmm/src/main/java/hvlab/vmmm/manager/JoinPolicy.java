package hvlab.vmmm.manager;

import hvlab.vmm.attestation.Evidence;
import hvlab.vmm.attestation.Freshness;
import hvlab.vmm.attestation.ReferencePolicy;
import hvlab.vmm.attestation.Verdict;
import hvlab.vmm.attestation.Verifier;
import hvlab.vmm.tpm.Installation;
import hvlab.vmm.tpm.MeasuredLaunch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;

/**
 * Which hosts may join the datacenter (paper IV.A.2 and IV.C.8): the manager asks each for a TPM
 * quote over a fresh nonce and checks it with {@code vmm.attestation.Verifier}: the quote's chain
 * up to the host's TPM manufacturer, its signature, the event log, and the VMM's measurements
 * against the datacenter's reference: PCR 0 (the VMM's code) and PCR 7 (the policy it enforces).
 * PCR 1, the configuration, holds the host's own name, so it differs from host to host by design.
 *
 * <p>Trust on first use, as SSH's known_hosts: the first host to join records the reference
 * ({@code DIR/join-policy.json}), and each host's manufacturer key is recorded the first time it
 * joins ({@code DIR/manufacturers/NAME.der}). A teacher can write the policy from a known-good
 * host before any other joins.
 */
public final class JoinPolicy {
    /** The PCRs that say which VMM runs: the code and the policy. */
    public static final int SELECTION = (1 << MeasuredLaunch.CODE) | (1 << MeasuredLaunch.POLICY);

    private final Path folder;
    private final Freshness freshness = new Freshness();

    public JoinPolicy(Path datacenterFolder) {
        this.folder = datacenterFolder;
    }

    public Path policyFile() {
        return folder.resolve("join-policy.json");
    }

    /** A fresh nonce for one question. */
    public byte[] challenge() {
        return Freshness.challenge();
    }

    /** The verdict on {@code host}'s quote, recording first-use references as it goes. */
    public synchronized Verdict check(String host, byte[] nonce, byte[] evidenceJson, byte[] manufacturerKey) throws IOException {
        Evidence evidence = Installation.json().readValue(evidenceJson, Evidence.class);
        Path known = folder.resolve("manufacturers").resolve(host + ".der");
        if (!Files.isRegularFile(known)) {
            Files.createDirectories(known.getParent());
            Files.write(known, manufacturerKey);
        }
        PublicKey manufacturer;
        try {
            manufacturer = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Files.readAllBytes(known)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("the manufacturer key recorded for " + host + " is not a key: " + e.getMessage());
        }
        if (!Files.isRegularFile(policyFile())) {
            ReferencePolicy.fromLog("datacenter VMM, as first joined by " + host, evidence.log(), SELECTION).write(policyFile());
        }
        return new Verifier(manufacturer, freshness).verify("host " + host, evidence, nonce, ReferencePolicy.read(policyFile()));
    }
}
