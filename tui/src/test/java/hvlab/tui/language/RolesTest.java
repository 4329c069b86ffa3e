package hvlab.tui.language;

import hvlab.tui.ExitStatus;
import hvlab.tui.FakeHost;
import hvlab.tui.roles.Permissions;
import hvlab.tui.roles.Principal;
import hvlab.tui.roles.Role;
import hvlab.tui.roles.Users;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/** Every command is checked against the session's role before it reaches the host; refusals are one line, status 77, and logged. */
class RolesTest {
    /** A host that keeps what the interpreter audits. */
    static final class AuditedHost extends FakeHost {
        final List<String> audits = new ArrayList<>();

        @Override
        public void audit(String actor, String command, String outcome) {
            audits.add(actor + " | " + command + " | " + outcome);
        }
    }

    final AuditedHost host = new AuditedHost();

    @TempDir
    Path store;

    Interpreter as(String user, Role role) {
        return new Interpreter(host, Place.SHELL, new Principal(user, role), new Users(store));
    }

    static void permitted(Interpreter in, String line) {
        Outcome o = in.execute(line);
        assertNotEquals(ExitStatus.NO_PERMISSION, o.status(), line + " -> " + o);
    }

    static void refused(Interpreter in, String line, String error) {
        Outcome o = in.execute(line);
        assertEquals(ExitStatus.NO_PERMISSION, o.status(), line + " -> " + o);
        assertEquals(error, o.error());
        assertEquals(1, o.error().lines().count(), "one line");
    }

    @Test
    void anAuditorReadsAndNothingElse() {
        as("root", Role.ADMIN).execute("vm create w1 --guest spinner");
        Interpreter auditor = as("carol", Role.AUDITOR);
        for (String line : List.of("vm list", "vm info w1", "vm history w1", "snapshot list w1", "log show", "log verify",
                "vmi regs w1", "vmi kernel w1", "vmi ps w1", "expect state w1 defined", "user whoami", "user list", "help")) {
            permitted(auditor, line);
        }
        refused(auditor, "vm start w1", "permission denied: carol is an auditor, and 'vm start' needs an operator");
        refused(auditor, "vm send w1 hello", "permission denied: carol is an auditor, and 'vm send' needs an operator");
        refused(auditor, "snapshot create w1 s1", "permission denied: carol is an auditor, and 'snapshot create' needs an operator");
        refused(auditor, "vmi write w1 0x1000 90", "permission denied: carol is an auditor, and 'vmi write' needs an admin");
        refused(auditor, "vmi kill w1 3", "permission denied: carol is an auditor, and 'vmi kill' needs an admin");
        refused(auditor, "vmi restore w1 --syscall 11", "permission denied: carol is an auditor, and 'vmi restore' needs an admin");
        refused(auditor, "vmi kernel w1 --fresh",
                "permission denied: carol is an auditor, and 'vmi kernel --fresh' needs an admin");
        refused(auditor, "image export w1 w1.ova", "permission denied: carol is an auditor, and 'image export' needs an admin");
        refused(auditor, "user add mallory admin", "permission denied: carol is an auditor, and 'user add' needs an admin");
        assertEquals("defined", host.info("w1").state(), "nothing the auditor was refused reached the host");
    }

    @Test
    void anOperatorRunsVmsButCannotTouchTheirInsides() {
        Interpreter operator = as("olga", Role.OPERATOR);
        for (String line : List.of("vm create w1 --guest spinner", "vm start w1", "vm pause w1", "vm resume w1", "vm console w1",
                "vm poweroff w1", "vm info w1")) {
            Outcome o = operator.execute(line);
            assertTrue(o.ok(), line + " -> " + o);
        }
        permitted(operator, "snapshot create w1 s1");
        permitted(operator, "vmi lies w1");
        refused(operator, "vmi write w1 0x1000 90", "permission denied: olga is an operator, and 'vmi write' needs an admin");
        refused(operator, "vm gdb w1 --port 0", "permission denied: olga is an operator, and 'vm gdb' needs an admin");
        refused(operator, "vm backup w1 w1.ova", "permission denied: olga is an operator, and 'vm backup' needs an admin");
        refused(operator, "image import w1.ova", "permission denied: olga is an operator, and 'image import' needs an admin");
    }

    @Test
    void anAdminMayDoEverything() {
        Interpreter admin = as("ada", Role.ADMIN);
        for (String command : Permissions.named()) {
            assertTrue(Role.ADMIN.allows(Permissions.needed(command, List.of())), command);
        }
        permitted(admin, "vmi write w1 0x1000 90");
        permitted(admin, "vmi kernel w1 --fresh");
        assertTrue(admin.execute("user add olga operator").ok());
        assertTrue(admin.execute("user list").text().contains("olga             operator"));
    }

    @Test
    void everyCommandIsLoggedWithItsUserAndRefusalsToo() {
        as("olga", Role.OPERATOR).execute("vm create w1 --guest spinner");
        as("carol", Role.AUDITOR).execute("vm start w1");
        assertEquals("olga (operator), shell | vm create w1 --guest spinner | ok", host.audits.get(0));
        assertEquals("carol (auditor), shell | vm start w1 | refused: needs an operator", host.audits.get(1));
    }

    @Test
    void aNestedCommandIsCheckedOnItsOwn() {
        as("ada", Role.ADMIN).execute("vm create w1 --guest spinner");
        Outcome o = as("carol", Role.AUDITOR).execute("expect fails vm start w1");
        assertTrue(o.ok(), "the auditor's vm start is refused, which is the failure expected: " + o);
        assertTrue(o.text().contains("permission denied: carol is an auditor"), o.text());
        assertEquals("defined", host.info("w1").state());
        assertTrue(host.audits.contains("carol (auditor), shell | vm start w1 | refused: needs an operator"), host.audits.toString());
    }

    @Test
    void everyCommandOfTheLanguageIsInTheTable() {
        Set<String> commands = new TreeSet<>();
        for (CommandLine top : Language.commands().values()) {
            collect(top, commands);
        }
        Set<String> missing = new TreeSet<>(commands);
        missing.removeAll(Permissions.named());
        assertEquals(Set.of(), missing, "commands the permission table does not name (they would need an admin)");
        Set<String> stale = new TreeSet<>(Permissions.named());
        stale.removeAll(commands);
        assertEquals(Set.of(), stale, "names in the table that are no command");
    }

    private static void collect(CommandLine line, Set<String> into) {
        if (line.getCommandSpec().userObject() instanceof LanguageCommand) {
            into.add(line.getCommandSpec().qualifiedName());
        }
        line.getSubcommands().values().forEach(sub -> collect(sub, into));
    }

    @Test
    void theManagersCommandsAreReadByAnAuditorAndChangedOnlyByAnAdmin() {
        Interpreter auditor = as("carol", Role.AUDITOR);
        Interpreter operator = as("olga", Role.OPERATOR);
        // Without a datacenter these fail further on; what matters is that the role let them through.
        for (String line : List.of("dc hosts", "dc where c", "dc patches", "dc replicas", "dc balance --dry-run")) {
            permitted(auditor, line);
        }
        refused(auditor, "dc balance", "permission denied: carol is an auditor, and 'dc' needs an admin");
        for (String line : List.of("dc migrate c --to h2", "dc place c h1", "dc patch c hvos-login-2", "dc quarantine c",
                "dc replicate c --to h3", "dc undefine c")) {
            refused(operator, line, "permission denied: olga is an operator, and 'dc' needs an admin");
        }
        permitted(operator, "dc vm h2 send c ps");
        permitted(operator, "dc net h2 create lan");
        refused(auditor, "dc vm h2 send c ps", "permission denied: carol is an auditor, and 'dc' needs an operator");
        assertTrue(host.audits.contains("olga (operator), shell | dc migrate c --to h2 | refused: needs an admin"), host.audits.toString());
        permitted(as("root", Role.ADMIN), "dc migrate c --to h2");
    }
}
