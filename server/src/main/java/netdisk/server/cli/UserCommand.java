package netdisk.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

import netdisk.server.auth.PasswordHasher;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataDatabase;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.MetadataStore;
import netdisk.server.storage.Name;
import netdisk.server.storage.User;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code netdisk-server user add|del|passwd|quota|list}: accounts, edited directly in the data directory's metadata
 * database. SQLite in WAL mode lets these run next to a server on the same data directory.
 */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = {"Adds, deletes and lists accounts, and sets their passwords and quotas, in the data "
                + "directory's metadata database. Works whether or not a server runs on that data directory."},
        subcommands = {UserAddCommand.class, UserDelCommand.class, UserPasswdCommand.class, UserQuotaCommand.class,
                UserListCommand.class},
        footer = {"", "User names: " + UserNames.RULE + ".",
                "Sizes are binary: 1024, 500M, 1.5T, 10G = 10GiB = 10 x 2^30 bytes.",
                "", "Exit codes: 0 ok, 1 failure (e.g. the user exists, no such user), 2 usage error."})
final class UserCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @ParentCommand
    ServerMain main;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: add, del, passwd, quota or list");
    }

    /**
     * The metadata of a data directory that has some: a typo in {@code --data} should say so, not create an empty
     * database. Only {@code user add} creates one.
     */
    static JdbcMetadataStore openExisting(Path dataDir) throws MetadataException {
        if (!Files.isRegularFile(dataDir.resolve(MetadataDatabase.SQLITE_FILE))) {
            throw new MetadataException(MetadataException.Reason.NOT_FOUND, "no accounts in " + dataDir + " (no "
                    + MetadataDatabase.SQLITE_FILE + "; 'netdisk-server user add' creates it)");
        }
        return JdbcMetadataStore.openSqlite(dataDir);
    }

    /** A new password for {@code name}, read as {@link PasswordInput} says, hashed; the password itself is cleared. */
    String newPasswordHash(CommandLine commandLine, Path passwordFile, Name name) throws IOException {
        char[] password = main.passwords().read(commandLine, passwordFile, name.value());
        try {
            return new PasswordHasher().hash(password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    static User existing(MetadataStore store, Name name) throws MetadataException {
        return store.findUser(name).orElseThrow(() -> new MetadataException(MetadataException.Reason.NOT_FOUND,
                "no such user: " + name));
    }
}
