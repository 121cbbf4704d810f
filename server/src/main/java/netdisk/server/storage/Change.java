package netdisk.server.storage;

import java.util.List;
import java.util.Objects;

/**
 * The result of a committed metadata change, and the blobs it left without any reference.
 *
 * <p>The caller deletes {@code orphanedBlobs} from the {@link BlobStore} <em>after</em> this is returned (the
 * transaction has committed by then). Deleting them earlier could leave a file pointing at a missing blob if the
 * transaction failed; a crash between commit and deletion leaves only unreferenced blob files, which start-up
 * reconciliation removes.
 */
public record Change<T>(T value, List<BlobId> orphanedBlobs) {

    public Change {
        Objects.requireNonNull(value, "value");
        orphanedBlobs = List.copyOf(orphanedBlobs);
    }
}
