package hvlab.tui.roles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A host's users and their roles, in {@code STORE/users}: one {@code NAME ROLE} a line, {@code #}
 * starts a comment. An admin keeps it with {@code user add} and {@code user remove}.
 *
 * <p>What this is not: authentication. Whoever runs hv on the store owns its files and could
 * edit this one; {@code --user} names who a session acts for (a teacher's shell for a student
 * group, a script run for the auditors), and the roles are enforced for that session. Over a
 * network a user would be proven by a certificate, as the datacenter's hosts are (DESIGN.md 13).
 */
public final class Users {
    private final Path file;

    public Users(Path store) {
        this.file = store.resolve("users");
    }

    public Path file() {
        return file;
    }

    /** The users, by name; an empty map when there is no file. A line written wrong is an IllegalArgumentException naming it. */
    public Map<String, Role> read() throws IOException {
        Map<String, Role> users = new TreeMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return users;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (words.length != 2 || !validName(words[0])) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 'NAME ROLE'");
            }
            try {
                users.put(words[0], Role.parse(words[1]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return users;
    }

    public void add(String name, Role role) throws IOException {
        if (!validName(name)) {
            throw new IllegalArgumentException("a user name is a letter, then letters, digits, '.', '_' or '-' (at most 32), not '" + name + "'");
        }
        Map<String, Role> users = read();
        users.put(name, role);
        write(users);
    }

    /** False when there was no such user. */
    public boolean remove(String name) throws IOException {
        Map<String, Role> users = read();
        if (users.remove(name) == null) {
            return false;
        }
        write(users);
        return true;
    }

    /**
     * Who a session acts for: the store's owner as an admin when no user is named; a named user
     * with the role the file gives; and {@code role}, when given, only ever lowers it (an admin
     * may look with an auditor's eyes, an operator may not make himself an admin).
     */
    public Principal resolve(String user, String role) throws IOException {
        Principal principal = Principal.owner();
        if (user != null) {
            Role listed = read().get(user);
            if (listed == null) {
                throw new IllegalArgumentException("no user '" + user + "' in " + file + " (an admin adds one: user add " + user + " operator)");
            }
            principal = new Principal(user, listed);
        }
        if (role != null) {
            Role wanted = Role.parse(role);
            if (!principal.role().allows(wanted)) {
                throw new IllegalArgumentException(principal.user() + " is " + article(principal.role()) + ": cannot act as " + article(wanted));
            }
            principal = new Principal(principal.user(), wanted);
        }
        return principal;
    }

    /** "an auditor", "an operator", "an admin". */
    public static String article(Role role) {
        return "an " + role.label();
    }

    private void write(Map<String, Role> users) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# hvlab users: NAME ROLE (admin, operator, auditor); kept by 'user add' and 'user remove'");
        users.forEach((name, role) -> lines.add(name + " " + role.label()));
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling("users.tmp");
        Files.write(temporary, lines, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean validName(String name) {
        return name.matches("[A-Za-z][A-Za-z0-9._-]{0,31}");
    }
}
