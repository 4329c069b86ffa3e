package hvlab.tui;

import hvlab.tui.roles.Principal;
import hvlab.tui.roles.Users;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code --user NAME} and {@code --role ROLE}: who a session of the management language acts for. */
final class UserOptions {
    @Option(names = "--user", paramLabel = "NAME", description = "act for this user of STORE/users, in its role (default: the store's owner, an admin)")
    String user;

    @Option(names = "--role", paramLabel = "ROLE", description = "act in a lesser role than the user has: operator or auditor")
    String role;

    /** The principal for a session on {@code store}; a user or role that cannot be is a {@link UsageException}. */
    Principal principal(Path store) {
        return resolve(store, user, role);
    }

    static Principal resolve(Path store, String user, String role) {
        try {
            return new Users(store).resolve(user, role);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new UsageException("cannot read " + new Users(store).file() + ": " + e.getMessage());
        }
    }
}
