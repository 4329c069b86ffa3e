package hvlab.tui.roles;

/**
 * Who gives the commands of a session, and in which role: every command is checked against the
 * role ({@link Permissions}) and written to the secure log with {@link #label()}.
 */
public record Principal(String user, Role role) {

    /**
     * The person who runs hv on the store: the owner of its files, who could change them with any
     * editor, so an admin. This keeps the local command line as it was; roles matter for the
     * users an admin adds ({@code user add}).
     */
    public static Principal owner() {
        String name = System.getProperty("user.name", "owner");
        return new Principal(name == null || name.isBlank() ? "owner" : name, Role.ADMIN);
    }

    /** "alice (operator)", as the secure log and the VM histories name the actor. */
    public String label() {
        return user + " (" + role.label() + ")";
    }
}
