package hvlab.tui.language;

import hvlab.tui.roles.Principal;
import hvlab.tui.roles.Role;
import hvlab.tui.roles.Users;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code user}: who may manage this host, in which role (admin, operator, auditor), kept in
 * {@code STORE/users}; a session acts for one of them ({@code hv shell --user NAME}).
 */
@Command(name = "user", description = {"The host's users and their roles (admin, operator, auditor), in STORE/users.",
        "A session acts for one: hv shell|script --user NAME [--role ROLE]; without --user, the store's owner, an admin."},
        subcommands = {UserCommand.Whoami.class, UserCommand.ListUsers.class, UserCommand.Add.class, UserCommand.Remove.class})
final class UserCommand {
    @Mixin
    CommonOptions common;

    private static Users users(Context context) {
        Users users = context.interpreter().users();
        if (users == null) {
            throw CommandFailure.usage("this session has no store, so no users file");
        }
        return users;
    }

    private static Map<String, Role> read(Users users) {
        try {
            return users.read();
        } catch (IOException e) {
            throw CommandFailure.badInput("cannot read " + users.file() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw CommandFailure.badInput(e.getMessage());
        }
    }

    @Command(name = "whoami", description = "Who this session acts for, and in which role.")
    static final class Whoami implements LanguageCommand {
        @Mixin
        CommonOptions common;

        @Override
        public Reply run(Context context) {
            Principal p = context.interpreter().principal();
            return new Reply(p, p.label() + ": " + p.role().meaning());
        }
    }

    @Command(name = "list", description = "The users of this host and their roles.")
    static final class ListUsers implements LanguageCommand {
        @Mixin
        CommonOptions common;

        @Override
        public Reply run(Context context) {
            Users users = users(context);
            Map<String, Role> all = read(users);
            List<String> lines = new ArrayList<>();
            lines.add(all.isEmpty() ? "no users in " + users.file() + ": only the store's owner (an admin)"
                    : all.size() + " user" + (all.size() == 1 ? "" : "s") + " in " + users.file());
            all.forEach((name, role) -> lines.add(String.format("  %-16s %s", name, role.label())));
            Map<String, String> data = new LinkedHashMap<>();
            all.forEach((name, role) -> data.put(name, role.label()));
            return new Reply(data, String.join("\n", lines));
        }
    }

    @Command(name = "add", description = "Add a user, or change a user's role.")
    static final class Add implements LanguageCommand {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "NAME", description = "the user")
        String name;

        @Parameters(index = "1", paramLabel = "ROLE", description = "admin, operator or auditor")
        String role;

        @Override
        public Reply run(Context context) {
            Users users = users(context);
            try {
                Role r = Role.parse(role);
                users.add(name, r);
                return new Reply(Map.of("user", name, "role", r.label()), name + " is " + Users.article(r) + ": " + r.meaning());
            } catch (IllegalArgumentException e) {
                throw CommandFailure.usage(e.getMessage());
            } catch (IOException e) {
                throw CommandFailure.badInput("cannot write " + users.file() + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "remove", description = "Remove a user.")
    static final class Remove implements LanguageCommand {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "NAME", description = "the user")
        String name;

        @Override
        public Reply run(Context context) {
            Users users = users(context);
            try {
                if (!users.remove(name)) {
                    throw CommandFailure.badInput("no user '" + name + "' in " + users.file());
                }
            } catch (IOException e) {
                throw CommandFailure.badInput("cannot write " + users.file() + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw CommandFailure.badInput(e.getMessage());
            }
            return new Reply(Map.of("removed", name), "removed " + name);
        }
    }
}
