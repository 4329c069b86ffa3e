package hvlab.vmmm.patch;

import hvlab.vmm.devices.DiskImage;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.PowerAction;
import hvlab.vmm.host.VmInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a host does when the manager patches one of its VMs, or quarantines one: the host's half
 * of {@code dc patch} and {@code dc quarantine}. A patch is always preceded by a snapshot, so
 * that a bad patch can be undone, which is also how a patch can be lost again (IV.E.3).
 */
public final class Patching {
    /** The host network unpatchable VMs are put on: a private segment of their own. */
    public static final String QUARANTINE = "quarantine";

    private Patching() {}

    public static Map<String, Object> patch(Host host, String vm, String id, PatchCatalog catalog) {
        VmInfo info = host.info(vm);
        Patch patch = catalog.get(id);
        if (!patch.appliesTo(info.guest())) {
            throw new IllegalArgumentException(id + " is for " + String.join(", ", patch.guests()) + ", not for '" + vm + "' (guest " + info.guest() + ")");
        }
        if (!patch.fixable()) {
            throw new IllegalArgumentException(id + " has no fix: '" + vm + "' cannot be patched; quarantine it (dc quarantine " + vm + ")");
        }
        if (PatchLevel.of(host.history(vm)).applied().contains(id)) {
            throw new IllegalArgumentException("'" + vm + "' has " + id + " already");
        }
        boolean off = !info.state().equals("running") && !info.state().equals("paused");
        if (patch.fix().equals("file")) {
            if (!off) {
                throw new IllegalArgumentException(id + " rewrites " + patch.file() + " on the disk image of '" + vm
                        + "', offline: power it off first (it is " + info.state() + ")");
            }
            if (info.disk() == null) throw new IllegalArgumentException("'" + vm + "' has no disk for " + id + " to patch");
        }
        String snapshot = freeName(host, vm, "pre-" + id);
        host.snapshot(vm, snapshot, "manager");
        String changed = "its configuration (recorded)";
        if (patch.fix().equals("file")) {
            // after the snapshot the disk is a fresh layer over the frozen one: the patch goes into that layer only
            Path disk = host.store().folder(vm).resolve(host.info(vm).disk());
            try (DiskImage image = DiskImage.open(disk, true)) {
                HvfsImage.replace(image, patch.file(), catalog.content(patch));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot patch the disk of '" + vm + "': " + e.getMessage()
                        + " (snapshot " + snapshot + " holds it as it was)");
            }
            changed = patch.file() + " on its disk image";
        }
        host.record(vm, "patched", Map.of("patch", id, "snapshot", snapshot, "changed", changed, "actor", "manager"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vm", vm);
        out.put("patch", id);
        out.put("snapshot", snapshot);
        out.put("changed", changed);
        return out;
    }

    /**
     * Puts {@code vm} on the quarantine network: a NIC is plugged in at boot, so a running VM is
     * powered off, moved, and started again.
     */
    public static Map<String, Object> quarantine(Host host, String vm, String reason) {
        VmInfo info = host.info(vm);
        if (host.network().list().stream().noneMatch(n -> n.name().equals(QUARANTINE))) {
            host.network().create(QUARANTINE);
        }
        boolean wasOn = info.state().equals("running") || info.state().equals("paused");
        if (wasOn) host.act(vm, PowerAction.POWEROFF, "manager");
        host.network().attach(vm, QUARANTINE, "manager");
        host.record(vm, "quarantined", Map.of("network", QUARANTINE, "reason", reason, "actor", "manager"));
        if (wasOn) host.act(vm, PowerAction.START, "manager");
        return Map.of("vm", vm, "network", QUARANTINE, "restarted", wasOn);
    }

    private static String freeName(Host host, String vm, String base) {
        var taken = host.snapshots(vm).stream().map(s -> s.name()).toList();
        String name = base;
        for (int i = 2; taken.contains(name); i++) name = base + "-" + i;
        return name;
    }
}
