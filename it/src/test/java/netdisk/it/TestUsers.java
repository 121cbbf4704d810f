package netdisk.it;

import java.nio.file.Path;
import java.util.OptionalLong;

import netdisk.server.auth.PasswordHasher;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.Name;

/**
 * Accounts for tests, written straight into a data directory's metadata (as {@code netdisk-server user add} does),
 * with cheap Argon2id parameters so that logins take milliseconds: the server reads the parameters from the stored
 * hash. Works before the server starts and while it runs.
 */
final class TestUsers {

    /** The password every test user gets unless a test says otherwise. */
    static final String PASSWORD = "it-password-1";

    private static final PasswordHasher CHEAP = new PasswordHasher(new PasswordHasher.Parameters(1024, 1, 1));

    private TestUsers() {
    }

    /** Adds {@code name} with {@code password} and {@code quota} (bytes) to the data directory {@code data}. */
    static void add(Path data, String name, String password, OptionalLong quota) throws MetadataException {
        try (var store = JdbcMetadataStore.openSqlite(data)) {
            store.createUser(Name.of(name), CHEAP.hash(password.toCharArray()), quota);
        }
    }

    /** Adds each of {@code names} with {@link #PASSWORD} and no quota. */
    static void add(Path data, String... names) throws MetadataException {
        for (String name : names) {
            add(data, name, PASSWORD, OptionalLong.empty());
        }
    }
}
