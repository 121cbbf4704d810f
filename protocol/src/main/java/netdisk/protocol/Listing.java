package netdisk.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Server → client: some entries of a directory, in name order. A directory too big for one frame comes in several
 * {@code Listing} frames with the same request id; the last one has {@code last} set (an empty directory is one
 * frame with no entries and {@code last} set).
 *
 * <pre>
 * +-----------+---------------+-------------------------------------+
 * | last (u8) | count (u32)   | count × Entry                       |
 * +-----------+---------------+-------------------------------------+
 * </pre>
 *
 * @param last    whether this is the listing's final frame (u8: 1 yes, 0 no; another value is malformed)
 * @param entries the entries in this frame
 */
public record Listing(boolean last, List<Entry> entries) implements Message {

    public Listing {
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
    }
}
