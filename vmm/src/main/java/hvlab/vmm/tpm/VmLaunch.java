package hvlab.vmm.tpm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the VMM measures into a VM's vTPM when it powers the VM on, before the guest's first
 * instruction: the guest image and the VM's configuration, each closed by a separator. The VMM
 * plays the part a PC's firmware plays for the boot loader: it is the root of trust for
 * measurement of its VMs (and is itself measured into the host's TPM: {@link MeasuredLaunch}).
 *
 * <pre>
 *   PCR 4   the guest image, as loaded at 1 MiB (PC Client: the boot loader's code, EV_IPL)
 *   PCR 5   the VM configuration: memory, mode (PC Client: the boot loader's configuration)
 *   PCR 10  free for the guest's own measurements (Linux IMA uses 10)
 * </pre>
 */
public final class VmLaunch {
    public static final int IMAGE = 4;
    public static final int CONFIGURATION = 5;
    public static final int GUEST = 10;
    /** The PCRs a VM's quote covers. */
    public static final int SELECTION = (1 << IMAGE) | (1 << CONFIGURATION);

    private VmLaunch() {}

    /** Powers the vTPM on and measures the guest about to boot. */
    public static void measure(Tpm tpm, String imageName, byte[] image, Map<String, String> configuration) {
        synchronized (tpm) {
            tpm.powerOn();
            for (TpmEvent event : events(imageName, image, configuration)) {
                tpm.extend(event.pcr(), event.digestBytes(), event.type(), event.description());
            }
        }
    }

    /** The events {@link #measure} logs, computed without a TPM: a VM's reference measurements. */
    public static List<TpmEvent> events(String imageName, byte[] image, Map<String, String> configuration) {
        List<TpmEvent> out = new ArrayList<>();
        out.add(event(IMAGE, TpmEvent.GUEST_IMAGE, image, imageName));
        out.add(event(IMAGE, TpmEvent.SEPARATOR, new byte[4], "end of image"));
        for (var setting : new TreeMap<>(configuration).entrySet()) {
            String line = setting.getKey() + "=" + setting.getValue();
            out.add(event(CONFIGURATION, TpmEvent.VM_CONFIG, line.getBytes(StandardCharsets.UTF_8), line));
        }
        out.add(event(CONFIGURATION, TpmEvent.SEPARATOR, new byte[4], "end of configuration"));
        return out;
    }

    /**
     * The configuration of a VM as measured: what changes the machine the guest sees, and Terra's
     * choice between an open-box VM (the VMM may inspect it) and a closed-box one (it may not: its
     * secrets are its own). Measuring the choice lets a verifier see which one it is talking to.
     */
    public static Map<String, String> configuration(long memoryBytes, String mode, boolean closedBox) {
        return Map.of("memory", Long.toString(memoryBytes), "mode", mode,
                "introspection", closedBox ? "refused (closed box)" : "allowed (open box)");
    }

    private static TpmEvent event(int pcr, String type, byte[] data, String description) {
        return new TpmEvent(pcr, type, Sha256.hex(Sha256.of(data)), description);
    }
}
