package hvlab.tui.roles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** STORE/users: who a session may act for, and a role that can only ever be lowered. */
class UsersTest {
    @TempDir
    Path store;

    @Test
    void withoutAUserTheOwnerIsAnAdminWhoMayLookWithLesserEyes() throws Exception {
        Users users = new Users(store);
        assertEquals(Role.ADMIN, users.resolve(null, null).role());
        assertEquals(Role.AUDITOR, users.resolve(null, "auditor").role());
        assertEquals(Principal.owner().user(), users.resolve(null, "operator").user());
    }

    @Test
    void aNamedUserHasTheRoleTheFileGivesAndCannotRaiseIt() throws Exception {
        Users users = new Users(store);
        users.add("olga", Role.OPERATOR);
        users.add("carol", Role.AUDITOR);
        assertEquals(Map.of("olga", Role.OPERATOR, "carol", Role.AUDITOR), users.read());
        assertEquals(new Principal("olga", Role.OPERATOR), users.resolve("olga", null));
        assertEquals(new Principal("olga", Role.AUDITOR), users.resolve("olga", "auditor"));
        var up = assertThrows(IllegalArgumentException.class, () -> users.resolve("olga", "admin"));
        assertEquals("olga is an operator: cannot act as an admin", up.getMessage());
        var nobody = assertThrows(IllegalArgumentException.class, () -> users.resolve("mallory", null));
        assertTrue(nobody.getMessage().startsWith("no user 'mallory' in "), nobody.getMessage());
        assertTrue(users.remove("olga"));
        assertFalse(users.remove("olga"));
        assertThrows(IllegalArgumentException.class, () -> users.resolve("olga", null));
    }

    @Test
    void aFileWrittenWrongIsNamedByItsLine() throws Exception {
        Files.writeString(store.resolve("users"), "# ok\nolga operator\ncarol superuser\n");
        var e = assertThrows(IllegalArgumentException.class, () -> new Users(store).read());
        assertTrue(e.getMessage().endsWith("users:3: no role 'superuser' (roles: admin, operator, auditor)"), e.getMessage());
        Files.writeString(store.resolve("users"), "olga\n");
        assertThrows(IllegalArgumentException.class, () -> new Users(store).read());
        assertThrows(IllegalArgumentException.class, () -> new Users(store).add("../etc", Role.ADMIN));
        assertThrows(IllegalArgumentException.class, () -> Role.parse("root"));
    }
}
