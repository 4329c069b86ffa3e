/**
 * VM images in the industry's format: OVF 2.x descriptors packed as OVA archives (DMTF DSP0243,
 * the Open Virtualization Format Specification). Paper IV.B.1: a VM stored as an image is data
 * plus metadata, and anyone holding the file can read both (confidentiality) or change both
 * (integrity). This package writes such images ({@link hvlab.vmm.image.ova.OvaWriter}), shows
 * what a stranger reads in one ({@link hvlab.vmm.image.ova.OvaInspector}), and takes one in only
 * after checking everything ({@link hvlab.vmm.image.ova.OvaReader}).
 *
 * <p>An OVA is one ustar archive (DSP0243 section 5.3: "the TAR format used shall comply with the
 * USTAR format as defined by POSIX IEEE 1003.1") holding, in this order:
 * <pre>
 *   NAME.ovf             the OVF descriptor (XML): first, so a reader learns every file's name
 *                        and size before it reads a byte of them
 *   NAME-image.bin       the guest image the VM boots
 *   NAME-disk.img        its disk, raw, copy-on-write layers flattened          (if it has one)
 *   NAME-machine.json    CPU, devices and console of a running or paused VM     (if it ran)
 *   NAME-memory.pages    its RAM, in PageSet's format                           (if it ran)
 *   NAME-history.jsonl   its history, one event a line
 *   NAME.mf              the manifest: "SHA256(FILE)= hex" for every file above
 *   NAME.cert            a signature over the manifest and the signer's key     (if signed)
 * </pre>
 * With {@code --encrypt}, every file between the descriptor and the manifest is AES-256-GCM
 * ciphertext ({@link hvlab.vmm.image.ova.PayloadCipher}); the descriptor, the manifest and the
 * certificate stay readable, as OVF needs them to be.
 */
package hvlab.vmm.image.ova;
