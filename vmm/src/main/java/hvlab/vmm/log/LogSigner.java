package hvlab.vmm.log;

import java.security.PublicKey;

/**
 * Signs the log's checkpoints and its tip. A hash chain alone shows that records were changed,
 * but anyone able to write the file could rewrite the whole chain from the change on; a
 * signature by a key the attacker does not hold (the host's, ideally inside its TPM) pins it.
 */
public interface LogSigner {
    byte[] sign(byte[] data);

    PublicKey publicKey();
}
