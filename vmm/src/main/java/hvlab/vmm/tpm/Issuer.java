package hvlab.vmm.tpm;

import java.security.PublicKey;

/**
 * Who vouches for a new TPM's endorsement key: the {@link Manufacturer} for a host's TPM (in
 * hardware, the chip maker burns an EK certificate into the chip), the host's TPM for a vTPM.
 */
public interface Issuer {
    String name();

    /** A certificate for {@code key} as the endorsement key of TPM {@code subject}, and the chain above it. */
    java.util.List<Certificate> certifyEndorsement(String subject, PublicKey key);
}
