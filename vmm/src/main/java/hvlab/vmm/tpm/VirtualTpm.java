package hvlab.vmm.tpm;

import javax.crypto.SecretKey;
import java.util.function.Consumer;

/**
 * What a VM's vTPM device is given by its host (Berger et al., "vTPM: Virtualizing the Trusted
 * Platform Module", USENIX Security 2006): the vTPM itself, the key its state is wrapped under
 * whenever it leaves the VMM (derived from the host TPM's storage key, so a snapshot or an image
 * carries it encrypted), the VM it belongs to, and where to keep its persistent part (keys, NV)
 * when it changes.
 *
 * @param owner   the UUID of the VM the vTPM belongs to: a state of another owner (a clone's)
 *                is taken up with a new identity
 * @param persist called after the vTPM's persistent part changed (an NV write)
 * @param closedBox the VM is a closed box (Terra): measured into PCR 5 with its configuration
 */
public record VirtualTpm(Tpm tpm, SecretKey wrapping, String owner, Consumer<Tpm> persist, boolean closedBox) {
    /** The vTPM of an open-box VM. */
    public VirtualTpm(Tpm tpm, SecretKey wrapping, String owner, Consumer<Tpm> persist) {
        this(tpm, wrapping, owner, persist, false);
    }

    /** A vTPM kept nowhere: for {@code hv run} and tests. */
    public static VirtualTpm ephemeral(Tpm tpm) {
        return new VirtualTpm(tpm, KeyWrap.newAesKey(), "ephemeral", t -> { });
    }
}
