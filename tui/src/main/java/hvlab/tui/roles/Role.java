package hvlab.tui.roles;

import java.util.Locale;

/**
 * What a person may do with a host's VMs. The paper warns that VMM management gives
 * "administrators enormous power, since they can control any VMM and any VM running on it from
 * a single point" (IV.D.5); splitting that power is the oldest answer (separation of duties).
 * The roles nest: an operator may do what an auditor may, an admin everything.
 */
public enum Role {
    /** Reads: lists, states, the secure log, introspection that changes nothing. Can check; cannot touch. */
    AUDITOR("reads only: lists, info, history, the secure log, introspection that changes nothing"),
    /** Runs VMs: their lifecycle, consoles, snapshots. Cannot look inside a guest's memory or change it. */
    OPERATOR("an auditor's reads, and the VMs' lifecycle, consoles, snapshots and networks"),
    /** Everything: intervention in a guest (vmi write, restore, kill), debugging, images leaving or entering, users. */
    ADMIN("everything: intervention in guests, the debugger, image transfer, users");

    private final String meaning;

    Role(String meaning) {
        this.meaning = meaning;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String meaning() {
        return meaning;
    }

    /** Whether this role may do what {@code needed} may. */
    public boolean allows(Role needed) {
        return ordinal() >= needed.ordinal();
    }

    /** The role named {@code text} (admin, operator, auditor), or an IllegalArgumentException saying which exist. */
    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.label().equals(text)) {
                return role;
            }
        }
        throw new IllegalArgumentException("no role '" + text + "' (roles: admin, operator, auditor)");
    }
}
