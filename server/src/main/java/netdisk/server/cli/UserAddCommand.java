package netdisk.server.cli;

import java.util.OptionalLong;
import java.util.concurrent.Callable;

import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.Name;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code netdisk-server user add NAME}: a new account with an empty tree. */
@Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Adds a user with an empty tree; creates the data directory and its database if needed.",
        footer = {"", PasswordInput.SOURCES})
final class UserAddCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @ParentCommand
    UserCommand user;

    @Parameters(index = "0", paramLabel = "NAME", converter = UserNames.class,
            description = "The user name: " + UserNames.RULE + ".")
    Name name;

    @Option(names = "--quota", paramLabel = "SIZE", converter = QuotaConverter.class,
            description = "How much the user may store, e.g. 10G or 500M, or none (default: none).")
    OptionalLong quota = OptionalLong.empty();

    @Mixin
    DataOption data;

    @Mixin
    PasswordFileOption passwordFile;

    @Override
    public Integer call() throws Exception {
        try (JdbcMetadataStore store = JdbcMetadataStore.openSqlite(data.resolve())) {
            if (store.findUser(name).isPresent()) { // before asking for a password that would be thrown away
                throw new MetadataException(MetadataException.Reason.ALREADY_EXISTS, "user " + name + " exists");
            }
            String hash = user.newPasswordHash(spec.commandLine(), passwordFile.file, name);
            store.createUser(name, hash, quota);
        }
        spec.commandLine().getOut().println("added user " + name + " (quota: " + QuotaConverter.format(quota) + ")");
        return ServerMain.OK;
    }
}
