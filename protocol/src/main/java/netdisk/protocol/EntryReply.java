package netdisk.protocol;

import java.util.Objects;

/**
 * Server → client: the entry a {@link StatRequest} asked about, or that a {@link MkdirRequest},
 * {@link MoveRequest} or {@link CopyRequest} made.
 *
 * <pre>
 * +-------------------+---------------------+
 * | path (string)     | Entry               |
 * +-------------------+---------------------+
 * </pre>
 *
 * @param path  the entry's full path from the user's root, e.g. {@code /docs/a.txt}
 * @param entry the entry
 */
public record EntryReply(String path, Entry entry) implements Message {

    public EntryReply {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(entry, "entry");
    }
}
