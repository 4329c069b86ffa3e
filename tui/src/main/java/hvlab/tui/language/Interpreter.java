package hvlab.tui.language;

import hvlab.tui.ExitStatus;
import hvlab.tui.roles.Permissions;
import hvlab.tui.roles.Principal;
import hvlab.tui.roles.Role;
import hvlab.tui.roles.Users;
import hvlab.vmm.host.HostControl;
import hvlab.vmm.host.HostException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.List;
import java.util.Map;

/**
 * The management language's one interpreter: a line in, an {@link Outcome} out. The shell, the
 * script runner, {@code ./hv vm ...} and (later) the UI all feed it, so a command means the same
 * everywhere; they differ only in the {@link Place} and {@link Session} they pass and in where
 * they print the outcome. Nothing here prints.
 *
 * <p>A line goes through three steps, each with its own kind of error:
 * <ol>
 *   <li>split into words ({@link Tokenizer}): an unclosed quote;</li>
 *   <li>parsed by picocli into a command object, then checked against the place
 *       ({@link LanguageCommand#refusal}): unknown words, missing arguments, bad values, a command
 *       the place cannot run. {@link #check} stops here, which lets a script be checked whole
 *       before its first line runs;</li>
 *   <li>checked against the session's role ({@link Permissions}): refused with one line and
 *       status 77, and the refusal logged;</li>
 *   <li>run against the host: the host's refusals ({@link HostException}, shown as they are),
 *       failed checks and waits ({@link CommandFailure}).</li>
 * </ol>
 * Every command that gets past parsing goes to the host's secure log with who gave it, in which
 * role, from where, and how it ended.
 */
public final class Interpreter {
    private final HostControl host;
    private final Place place;
    private final Principal principal;
    private final Users users;
    /** The datacenter's manager for {@code dc ...}, or null where there is none. */
    private final hvlab.vmmm.manager.ManagerCommands datacenter;

    /** An interpreter for the store's owner, an admin (tests, and places with no store). */
    public Interpreter(HostControl host, Place place) {
        this(host, place, Principal.owner(), null);
    }

    /**
     * @param principal who the commands are given by, and in which role
     * @param users     the host's users file, for {@code user add}; null where there is none
     */
    public Interpreter(HostControl host, Place place, Principal principal, Users users) {
        this(host, place, principal, users, null);
    }

    private Interpreter(HostControl host, Place place, Principal principal, Users users, hvlab.vmmm.manager.ManagerCommands datacenter) {
        this.host = host;
        this.place = place;
        this.principal = principal;
        this.users = users;
        this.datacenter = datacenter;
    }

    /** The same interpreter with a datacenter's manager, which then runs {@code dc ...} ({@code hv shell --datacenter}). */
    public Interpreter withDatacenter(hvlab.vmmm.manager.ManagerCommands manager) {
        return new Interpreter(host, place, principal, users, manager);
    }

    /** The datacenter's manager, or null. */
    hvlab.vmmm.manager.ManagerCommands datacenter() {
        return datacenter;
    }

    public Principal principal() {
        return principal;
    }

    /** The host's users file, or null. */
    Users users() {
        return users;
    }

    public Place place() {
        return place;
    }

    public HostControl host() {
        return host;
    }

    /** Runs one line with no live output and no Ctrl-C. */
    public Outcome execute(String line) {
        return execute(line, Session.batch(place.label()));
    }

    public Outcome execute(String line, Session session) {
        try {
            return execute(Tokenizer.split(line), session);
        } catch (CommandFailure e) {
            return failure(e.status(), e.getMessage(), line.contains("--json"), null);
        }
    }

    /** Runs a line on behalf of a command that is running already ({@code expect fails}), in its session. */
    Outcome executeNested(List<String> words, Session session) {
        return execute(words, session, true);
    }

    /** Runs a line already split into words (a command line's arguments need no second splitting). */
    public Outcome execute(List<String> words, Session session) {
        return execute(words, session, false);
    }

    /** {@code attributed}: the session's actor names the principal already (a nested line). */
    private Outcome execute(List<String> words, Session given, boolean attributed) {
        Session session = attributed ? given
                : new Session(principal.label() + ", " + given.actor(), given.live(), given.cancelled(), given.secrets());
        if (words.isEmpty()) {
            return Outcome.NOTHING;
        }
        boolean json = words.contains("--json");
        Parsed parsed;
        try {
            parsed = parse(words, place);
        } catch (CommandFailure e) {
            return failure(e.status(), e.getMessage(), json, null);
        }
        if (parsed.usage() != null) {
            return success(parsed.usage(), Map.of("usage", parsed.usage()), json, false);
        }
        Role needed = Permissions.needed(parsed.name(), words);
        if (!principal.role().allows(needed)) {
            host.audit(session.actor(), audited(words), "refused: needs " + Users.article(needed));
            return failure(ExitStatus.NO_PERMISSION, "permission denied: " + principal.user() + " is " + Users.article(principal.role())
                    + ", and '" + parsed.name() + (needed == Role.ADMIN && words.contains("--fresh") ? " --fresh" : "")
                    + "' needs " + Users.article(needed), json, null);
        }
        Outcome outcome = run(parsed, words, session, json);
        host.audit(session.actor(), audited(words), outcome.status() == ExitStatus.OK ? "ok"
                : "failed (status " + outcome.status() + ")");
        return outcome;
    }

    /**
     * The command as the secure log keeps it. What is typed into a guest ({@code vm send}) may be a
     * password: the log keeps that something was typed, and how much, not what (the paper's IV.C.4
     * warns that a VMM that logs everything is also a perfect eavesdropper).
     */
    static String audited(List<String> words) {
        if (words.size() > 3 && words.get(0).equals("vm") && words.get(1).equals("send")) {
            int characters = String.join(" ", words.subList(3, words.size())).length();
            return "vm send " + words.get(2) + " (" + characters + " characters, not logged)";
        }
        return String.join(" ", words);
    }

    private Outcome run(Parsed parsed, List<String> words, Session session, boolean json) {
        try {
            Reply reply = parsed.command().run(new Context(host, place, session, this));
            if (reply.failure() != null) {
                return new Outcome(ExitStatus.FAILED, json ? Json.write(reply.data()) : reply.text(), reply.failure(), json, false, null);
            }
            return success(reply.text(), reply.data(), json, parsed.command() instanceof QuitCommand);
        } catch (CommandFailure e) {
            return failure(e.status(), e.getMessage(), json, null);
        } catch (HostException e) {
            return failure(ExitStatus.BAD_INPUT, e.getMessage(), json, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure(ExitStatus.FAILED, words.getFirst() + " was interrupted", json, e);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return failure(ExitStatus.SOFTWARE, "internal error: " + message + " (set HV_DEBUG=1 for details)", json, e);
        }
    }

    /**
     * Parses {@code line} and checks it against {@code place} without running it. The outcome is
     * {@link Outcome#NOTHING} when the line would run (blank lines and comments included), the
     * failure it would meet before reaching the host, or, for {@code --help}, the usage text,
     * which needs no host either.
     */
    public static Outcome check(String line, Place place) {
        try {
            return check(Tokenizer.split(line), place);
        } catch (CommandFailure e) {
            return failure(e.status(), e.getMessage(), line.contains("--json"), null);
        }
    }

    public static Outcome check(List<String> words, Place place) {
        if (words.isEmpty()) {
            return Outcome.NOTHING;
        }
        boolean json = words.contains("--json");
        try {
            Parsed parsed = parse(words, place);
            return parsed.usage() == null ? Outcome.NOTHING : success(parsed.usage(), Map.of("usage", parsed.usage()), json, false);
        } catch (CommandFailure e) {
            return failure(e.status(), e.getMessage(), json, null);
        }
    }

    /** A parsed line: the command to run, or the usage text that {@code --help} asked for. */
    private record Parsed(LanguageCommand command, String usage, String name) {}

    private static Parsed parse(List<String> words, Place place) {
        CommandLine top = Language.commands().get(words.getFirst());
        if (top == null) {
            throw CommandFailure.usage("unknown command '" + words.getFirst() + "' (type 'help' for the list)");
        }
        ParseResult level;
        try {
            level = top.parseArgs(words.subList(1, words.size()).toArray(String[]::new));
        } catch (ParameterException e) {
            throw CommandFailure.usage(explain(e));
        }
        // Walk down to the command the words name ("vm" -> "start"); --help at any level wins.
        while (!level.isUsageHelpRequested() && level.hasSubcommand()) {
            level = level.subcommand();
        }
        CommandLine named = level.commandSpec().commandLine();
        if (level.isUsageHelpRequested()) {
            return new Parsed(null, HelpCommand.usage(named), null);
        }
        if (!(level.commandSpec().userObject() instanceof LanguageCommand command)) {
            String name = level.commandSpec().qualifiedName();
            throw CommandFailure.usage(name + " needs one of: " + String.join(", ", named.getSubcommands().keySet())
                    + " (see 'help " + name + "')");
        }
        String refusal = command.refusal(place);
        if (refusal != null) {
            throw CommandFailure.usage(refusal);
        }
        return new Parsed(command, null, level.commandSpec().qualifiedName());
    }

    /** Picocli's messages, reworded to name the command and say where to look. */
    private static String explain(ParameterException e) {
        String name = e.getCommandLine().getCommandSpec().qualifiedName();
        String seeHelp = " (see 'help " + name + "')";
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String word = unmatched.getUnmatched().getFirst();
            if (word.startsWith("-")) {
                return name + ": unknown option '" + word + "'" + seeHelp;
            }
            if (!e.getCommandLine().getSubcommands().isEmpty()) {
                return "unknown command '" + name + " " + word + "' (" + name + " has: "
                        + String.join(", ", e.getCommandLine().getSubcommands().keySet()) + ")";
            }
            return name + ": unexpected argument '" + word + "'" + seeHelp;
        }
        String message = e.getMessage();
        message = message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
        boolean explainsItself = e.getCause() instanceof TypeConversionException;
        return name + ": " + message + (explainsItself ? "" : seeHelp);
    }

    private static Outcome success(String text, Object data, boolean json, boolean quit) {
        return new Outcome(ExitStatus.OK, json ? Json.write(data) : text, null, json, quit, null);
    }

    private static Outcome failure(int status, String message, boolean json, Throwable cause) {
        return new Outcome(status, json ? Json.error(message) : "", message, json, false, cause);
    }
}
