package hvlab.tui.language;

/**
 * Where a command runs. The language is the same everywhere; what differs is what the place can
 * offer: a shell has a person who can press Ctrl-C, a script has nobody to press it, and a single
 * command ({@code ./hv vm list}) has a host that dies with its process.
 */
public enum Place {
    /** {@code hv shell} (and later the UI's command line): interactive, Ctrl-C stops a long command. */
    SHELL("shell", true, true),
    /** {@code hv script FILE}: the host lives as long as the script; nobody can press Ctrl-C. */
    SCRIPT("script", true, false),
    /** {@code hv vm ...} from the command line: the host lives only as long as this one command. */
    ONE_SHOT("command line", false, false);

    private final String label;
    private final boolean hostKeepsRunning;
    private final boolean interactive;

    Place(String label, boolean hostKeepsRunning, boolean interactive) {
        this.label = label;
        this.hostKeepsRunning = hostKeepsRunning;
        this.interactive = interactive;
    }

    public String label() {
        return label;
    }

    /** Can a VM started here go on running after the command returns? */
    public boolean hostKeepsRunning() {
        return hostKeepsRunning;
    }

    /** Is someone there to end an endless command with Ctrl-C? */
    public boolean interactive() {
        return interactive;
    }

    /**
     * Why {@code command} cannot run here, or null. A VM started by {@code ./hv vm start} would
     * die a moment later with its process, so we refuse rather than pretend.
     */
    public String refuseUnlessHostKeepsRunning(String command) {
        return hostKeepsRunning ? null
                : command + " needs a host that keeps running: use 'hv shell' or 'hv script FILE'";
    }
}
