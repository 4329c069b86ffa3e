package hvlab.vmmm.patch;

import java.util.List;

/**
 * One entry of the patch catalog (paper IV.D.4: a virtualized datacenter must patch machines
 * that come and go, some of them off for months).
 *
 * @param fix     how it is applied: {@code file} replaces {@code file} on the VM's disk image with
 *                the catalog's {@code content} (offline: the VM must be off); {@code config} is
 *                recorded in the VM's metadata (a built-in guest's image cannot change);
 *                {@code none}: there is no fix, and a VM that needs it is unpatchable
 */
public record Patch(String id, String title, List<String> guests, String severity, String fix, String file, String content) {
    public Patch {
        guests = guests == null ? List.of() : List.copyOf(guests);
        if (id == null || !id.matches("[A-Z]+-\\d{4}-\\d{3}")) throw new IllegalArgumentException("a patch needs an id like HVSA-2026-001, not " + id);
        if (!List.of("file", "config", "none").contains(fix)) throw new IllegalArgumentException(id + ": fix must be file, config or none");
        if (fix.equals("file") && (file == null || content == null)) throw new IllegalArgumentException(id + ": a file fix names its file and content");
    }

    public boolean appliesTo(String guest) {
        return guests.contains(guest);
    }

    public boolean fixable() {
        return !fix.equals("none");
    }
}
