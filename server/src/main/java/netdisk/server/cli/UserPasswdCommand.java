package netdisk.server.cli;

import java.util.concurrent.Callable;

import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.Name;
import netdisk.server.storage.User;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code netdisk-server user passwd NAME}: a new password for an account. */
@Command(name = "passwd", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sets a new password for a user.",
        footer = {"", PasswordInput.SOURCES})
final class UserPasswdCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @ParentCommand
    UserCommand user;

    @Parameters(index = "0", paramLabel = "NAME", converter = UserNames.Existing.class, description = "The user.")
    Name name;

    @Mixin
    DataOption data;

    @Mixin
    PasswordFileOption passwordFile;

    @Override
    public Integer call() throws Exception {
        try (JdbcMetadataStore store = UserCommand.openExisting(data.resolve())) {
            User existing = UserCommand.existing(store, name);
            String hash = user.newPasswordHash(spec.commandLine(), passwordFile.file, name);
            store.setPasswordHash(existing, hash);
        }
        spec.commandLine().getOut().println("changed the password of " + name);
        return ServerMain.OK;
    }
}
