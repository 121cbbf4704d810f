package netdisk.server.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import netdisk.server.ByteSizes;
import netdisk.server.storage.BlobId;
import netdisk.server.storage.BlobLock;
import netdisk.server.storage.Change;
import netdisk.server.storage.FileBlobStore;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.Name;
import netdisk.server.storage.User;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code netdisk-server user del NAME}: deletes an account, its tree, and then the blob files no other file refers to.
 * The blobs go only after the metadata transaction has committed (see {@link Change}): a crash in between leaves
 * unreferenced blob files, never a file without its blob.
 */
@Command(name = "del", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Deletes a user and all their files. Cannot be undone.")
final class UserDelCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", converter = UserNames.Existing.class, description = "The user.")
    Name name;

    @Mixin
    DataOption data;

    @Override
    public Integer call() throws Exception {
        FileBlobStore blobs;
        int removed = 0;
        long freed = 0;
        List<String> failures = new ArrayList<>();
        try (JdbcMetadataStore store = UserCommand.openExisting(data.resolve());
             BlobLock lock = BlobLock.open(data.resolve())) {
            blobs = FileBlobStore.open(data.resolve()); // before the delete: a blob store we cannot open fails first
            Change<User> deleted = store.deleteUser(UserCommand.existing(store, name));
            // Under the lock shared with a running server's uploads, which may be about to reuse one of these blobs.
            for (BlobId blob : deleted.orphanedBlobs()) {
                try {
                    if (lock.deleteIfUnreferenced(store, blobs, blob)) {
                        removed++;
                        freed += blob.size();
                    }
                } catch (IOException | MetadataException e) {
                    failures.add(blob.sha256() + ": " + e);
                }
            }
        }
        spec.commandLine().getOut().println("deleted user " + name + "; removed " + removed + " blob"
                + (removed == 1 ? "" : "s") + " no other file uses (" + ByteSizes.format(freed) + ")");
        if (!failures.isEmpty()) {
            spec.commandLine().getErr().println("netdisk-server: " + failures.size() + " unused blob file"
                    + (failures.size() == 1 ? "" : "s") + " could not be removed and stay in "
                    + blobs.root() + ": " + String.join("; ", failures));
            return ServerMain.FAILED;
        }
        return ServerMain.OK;
    }
}
