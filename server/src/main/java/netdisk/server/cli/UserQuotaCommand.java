package netdisk.server.cli;

import java.util.OptionalLong;
import java.util.concurrent.Callable;

import netdisk.server.ByteSizes;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.Name;
import netdisk.server.storage.User;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code netdisk-server user quota NAME SIZE|none}: sets or removes a user's quota. */
@Command(name = "quota", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sets how much a user may store, or removes the limit (none).",
                "A quota below what the user already stores deletes nothing: they cannot add until under it again."})
final class UserQuotaCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", converter = UserNames.Existing.class, description = "The user.")
    Name name;

    @Parameters(index = "1", paramLabel = "SIZE|none", converter = QuotaConverter.class,
            description = "The quota, e.g. 10G, 500M, 1.5T, 1024, or none.")
    OptionalLong quota;

    @Mixin
    DataOption data;

    @Override
    public Integer call() throws Exception {
        long used;
        try (JdbcMetadataStore store = UserCommand.openExisting(data.resolve())) {
            User changed = store.setQuota(UserCommand.existing(store, name), quota);
            used = store.usage(changed);
        }
        var out = spec.commandLine().getOut();
        out.println("quota of " + name + ": " + QuotaConverter.format(quota) + " (" + ByteSizes.format(used)
                + " used)");
        if (quota.isPresent() && used > quota.getAsLong()) {
            out.println("they are over it: they can delete files but not add any until under it");
        }
        return ServerMain.OK;
    }
}
