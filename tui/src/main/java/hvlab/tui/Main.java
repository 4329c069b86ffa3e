package hvlab.tui;

import hvlab.cpu.NativeLibraryMissingException;
import hvlab.vmm.host.Host;
import hvlab.vmm.host.HostException;
import hvlab.vmm.image.GuestImageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * {@code hv}: the one entry point (DESIGN.md section 6). Every failure a user can cause ends with
 * one line on stderr and a sysexits status; a stack trace appears only with {@code HV_DEBUG=1}.
 */
@Command(name = "hv", mixinStandardHelpOptions = true, version = "hvlab 0.1",
        description = "hvlab, a teaching hypervisor: real x86 guests, deprivileged, trapping into a Java VMM.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** With no subcommand: the terminal UI over the embedded datacenter. */
    @Override
    public Integer call() throws Exception {
        return new UiCommand(err).call();
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** The host of this process ({@code local}, DESIGN.md section 8) over a store directory. */
    static final HostOpener IN_PROCESS = (store, threads) -> new Host("local", store, threads);

    /** Runs {@code hv} with {@code args} and returns the exit status; for tests as much as for main. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, System.in, out, err, IN_PROCESS);
    }

    /** The same, reading the shell's (or {@code hv script -}'s) input from {@code in}, on the host {@code opener} opens. */
    static int execute(String[] args, InputStream in, PrintStream out, PrintStream err, HostOpener opener) {
        CommandLine cli = new CommandLine(new Main(out, err));
        cli.addSubcommand("run", new RunCommand(in, out, err));
        cli.addSubcommand("guests", new GuestsCommand(out));
        cli.addSubcommand("fuzz", new FuzzCommand(out, err));
        cli.addSubcommand("tui", new UiCommand(err));
        cli.addSubcommand("lecture", new LectureCommand(err));
        cli.addSubcommand("exercise", new hvlab.tui.classroom.ExerciseCommand(out));
        cli.addSubcommand("threat", new hvlab.tui.threat.ThreatCommand(out));
        cli.addSubcommand("matrix", new hvlab.tui.matrix.MatrixCommand(out, err));
        cli.addSubcommand("shell", new ShellCommand(opener, in, out));
        cli.addSubcommand("host", new HostServeCommand());
        cli.addSubcommand("dc", new DcCommand());
        cli.addSubcommand("attack", new AttackCommand());
        cli.addSubcommand("script", new ScriptCommand(opener, in, out, err));
        cli.addSubcommand("vm", SingleCommand.named("vm", "One vm command on the store, as in 'hv shell': hv vm list, hv vm info NAME --json ('hv vm --help')", opener, out, err));
        cli.addSubcommand("image", SingleCommand.named("image", "One image command on the store: hv image inspect FILE.ova, "
                + "hv image import FILE.ova, hv image export NAME FILE.ova (the VM as the store keeps it: a VM running in "
                + "'hv shell' or a script is exported from there)", opener, out, err));
        cli.addSubcommand("snapshot", SingleCommand.named("snapshot", "One snapshot command on the store: hv snapshot list NAME "
                + "(create, revert and delete need a host that keeps running: 'hv shell' or 'hv script FILE')", opener, out, err));
        cli.addSubcommand("log", SingleCommand.named("log", "The host's secure log in the store: hv log show [--vm NAME] [--since D], "
                + "hv log verify (status 1 and the first bad line if it was tampered with)", opener, out, err));
        cli.addSubcommand("tpm", SingleCommand.named("tpm", "The host's TPM or a VM's vTPM: hv tpm pcrs local, hv tpm log NAME, "
                + "hv tpm policy NAME FILE (TPM.md)", opener, out, err));
        cli.addSubcommand("net", SingleCommand.named("net", "The host's virtual switch: hv net create NET, hv net list, hv net show [NET], "
                + "hv net mirror NET --to ids, hv net alerts (a capture needs 'hv shell' or 'hv script FILE')", opener, out, err));
        cli.addSubcommand("attest", SingleCommand.named("attest", "Attest the host or a VM: hv attest local, hv attest NAME "
                + "[--nonce N] [--policy FILE]; untrusted ends with status 1", opener, out, err));
        cli.addSubcommand("user", SingleCommand.named("user", "The host's users and roles: hv user list, hv user add NAME ROLE, "
                + "hv user remove NAME, hv user whoami (roles: admin, operator, auditor)", opener, out, err));
        cli.addSubcommand("wait", SingleCommand.named("wait", "hv wait --for D (waiting for a VM needs 'hv shell' or 'hv script FILE')", opener, out, err));
        cli.addSubcommand("expect", SingleCommand.named("expect", "One expect check on the store, e.g. hv expect state NAME defined", opener, out, err));
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("hv: " + e.getMessage() + " (see 'hv " + commandPath(e.getCommandLine()) + "--help')");
            return ExitStatus.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, err));
        return cli.execute(args);
    }

    private static String commandPath(CommandLine command) {
        StringBuilder path = new StringBuilder();
        for (CommandLine c = command; c != null && c.getParent() != null; c = c.getParent()) {
            path.insert(0, c.getCommandName() + " ");
        }
        return path.toString();
    }

    /** Maps what went wrong to one line and an exit status. */
    static int report(Throwable e, PrintStream err) {
        Throwable cause = rootOfInterest(e);
        int status = switch (cause) {
            case UsageException u -> ExitStatus.USAGE;
            // A host lets a HostException out only when it cannot be opened: its store is unusable.
            case HostException h -> ExitStatus.CANT_CREATE;
            case NativeLibraryMissingException n -> ExitStatus.UNAVAILABLE;
            case GuestImageException g -> switch (g.kind()) {
                case UNKNOWN_GUEST -> ExitStatus.USAGE;
                case MISSING_FILE -> ExitStatus.NO_INPUT;
                case BAD_INPUT -> ExitStatus.BAD_INPUT;
                case TOOL_MISSING -> ExitStatus.UNAVAILABLE;
            };
            default -> ExitStatus.SOFTWARE;
        };
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (status == ExitStatus.SOFTWARE) {
            message = "internal error: " + message + " (set HV_DEBUG=1 for details)";
        }
        err.println("hv: " + message);
        if (System.getenv("HV_DEBUG") != null) {
            e.printStackTrace(err);
        }
        return status;
    }

    /** Class initialisers wrap a missing library in ExceptionInInitializerError; dig it out. */
    private static Throwable rootOfInterest(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UsageException || t instanceof NativeLibraryMissingException || t instanceof GuestImageException
                    || t instanceof HostException) {
                return t;
            }
        }
        return e;
    }
}
