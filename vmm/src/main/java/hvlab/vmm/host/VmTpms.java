package hvlab.vmm.host;

import hvlab.vmm.devices.PlatformOptions;
import hvlab.vmm.devices.TpmDevice;
import hvlab.vmm.tpm.MonotonicCounters;
import hvlab.vmm.tpm.Tpm;
import hvlab.vmm.tpm.VirtualTpm;
import hvlab.vmm.tpm.VmLaunch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How a host hands its VMs their vTPMs, and takes them back: one per VM, kept in the VM's folder;
 * a new identity for a clone (two machines must never prove to be the same one: paper V.D); a
 * throwaway one for a VM of {@code hv run}. With the host's lock held.
 */
final class VmTpms {
    /** A vTPM to attest or show, and how its measurements came about. */
    record Measured(Tpm tpm, String note) {}

    private VmTpms() {}

    /** The platform options of a VM about to be built, with its vTPM plugged in. */
    static PlatformOptions withVtpm(Host host, VmDefinition d, PlatformOptions platform) {
        return platform.withTpm(host.attestation().vtpmFor(d, host.store().folder(d.name())));
    }

    /** For {@code hv run}: a vTPM certified by this host, forgotten with the VM. */
    static PlatformOptions ephemeral(Host host, String name, PlatformOptions platform) {
        Tpm vtpm = Tpm.manufacture("vm " + name, host.attestation().hostTpm(), new MonotonicCounters());
        return platform.withTpm(VirtualTpm.ephemeral(vtpm));
    }

    /**
     * After a saved machine was taken up: a vTPM state that belongs to another VM (the machine was
     * cloned) gets a new identity here, keeping its measurements; one from another installation
     * was refused by the device, which keeps the fresh vTPM it was given; this VM's own (a revert,
     * a resume) is written back to the VM's folder, so the next fresh boot starts from it.
     */
    static void afterRestore(Host host, ManagedVm m, TpmDevice device) {
        if (device == null) {
            return;
        }
        Path folder = host.store().folder(m.name);
        if (m.vtpmArrived != null) {
            // it migrated: its own vTPM came sealed to this host's TPM (VtpmTransfer), and replaces
            // the one the machine was built with; the state in the machine, wrapped by the source's
            // TPM, could not be read here and is not needed
            device.replaceTpm(m.vtpmArrived.tpm());
        } else if (device.foreignStateRefused()) {
            host.journal(folder, "vtpm-replaced", Map.of("reason", "its saved vTPM was sealed by another host's TPM"));
        } else if (!m.definition.uuid().equals(device.owner())) {
            String original = device.owner();
            device.replaceTpm(host.attestation().newIdentity(device.tpm(), m.definition));
            host.journal(folder, "vtpm-new-identity", Map.of("reason", "a copy of VM " + original));
        } else {
            // The vTPM is the saved one again (its NV as it was then; never its counters): so is its file.
            device.persistNow();
        }
    }

    /** The running VM's vTPM, or, for a VM that is off, its vTPM powered on and measuring what would boot. */
    static Measured measured(Host host, ManagedVm m) {
        if (m.vm != null && m.vm.platform().tpm() != null) {
            return new Measured(m.vm.platform().tpm().tpm(), "its vTPM, measured when it booted");
        }
        VmDefinition d = m.definition;
        Path folder = host.store().folder(d.name());
        byte[] image;
        try {
            image = Files.readAllBytes(folder.resolve(VmStore.IMAGE));
        } catch (IOException e) {
            throw new HostException("cannot read the image of '" + d.name() + "': " + VmStore.reason(e));
        }
        Tpm vtpm = host.attestation().vtpmFor(d, folder).tpm();
        VmLaunch.measure(vtpm, d.name(), image, VmLaunch.configuration(d.memoryBytes(), d.mode(), d.closedBox()));
        return new Measured(vtpm, "not running: its vTPM powered on and measured the image as it would boot");
    }
}
