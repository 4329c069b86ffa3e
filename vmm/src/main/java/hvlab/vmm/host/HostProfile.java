package hvlab.vmm.host;

import hvlab.vmm.tpm.MeasuredLaunch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a host may do to its VMs, after the paper's recommendation (VI.A.1): split the VMMs into
 * a majority that only keeps VMs available ("the VM applications float on top of the
 * virtualization layer"), and a few that may inspect and intervene but cannot take an image
 * away. The profile is chosen when the host starts and measured into its TPM's PCR 7 with the
 * rest of its policy, so that a quote proves it: a manager that pins PCR 7 admits only hosts of
 * the profile it expects.
 */
public enum HostProfile {
    /** Everything hvlab can do (the default; its measured policy is hvlab's as it always was). */
    FULL(null),
    /** May look and intervene; may not move a VM or its image away (export, backup, clone, migration out). */
    INSPECTION("profile: inspection (introspection and intervention allowed; no image leaves: no export, backup, clone or migration out)"),
    /** Keeps VMs running and moves them for it; may not look inside, intervene, or copy an image out. */
    AVAILABILITY("profile: availability (no introspection, intervention, debugger, or image export, backup or clone)");

    /** What a command asks of the host. */
    public enum Power { LOOK, INTERVENE, TAKE_IMAGE, MIGRATE_OUT }

    private final String measured;

    HostProfile(String measured) {
        this.measured = measured;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The profile named {@code text} (full, inspection, availability); anything else is one clear line. */
    public static HostProfile parse(String text) {
        for (HostProfile p : values()) {
            if (p.label().equals(text)) return p;
        }
        throw new HostException("no host profile '" + text + "': full, inspection or availability");
    }

    /** The policy lines measured into PCR 7: hvlab's own, then this profile's (none for full). */
    public List<String> policy() {
        List<String> lines = new ArrayList<>(MeasuredLaunch.DEFAULT_POLICY);
        if (measured != null) lines.add(measured);
        return List.copyOf(lines);
    }

    public boolean allows(Power power) {
        return switch (this) {
            case FULL -> true;
            case INSPECTION -> power == Power.LOOK || power == Power.INTERVENE;
            case AVAILABILITY -> power == Power.MIGRATE_OUT;
        };
    }

    /** Throws, naming the profile, unless it allows {@code power}; {@code what} is the command's object ("look inside 'web'"). */
    void require(Power power, String host, String what) {
        if (!allows(power)) {
            throw new HostException("host " + host + " runs the " + label() + " profile (measured into its TPM's PCR 7): it may not "
                    + what);
        }
    }
}
