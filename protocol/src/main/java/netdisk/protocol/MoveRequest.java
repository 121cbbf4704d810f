package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server: move (and rename) the entry at {@code source}.
 *
 * <pre>
 * +------------------------+------------------------+
 * | source (string)        | target (string)        |
 * +------------------------+------------------------+
 * </pre>
 *
 * If {@code target} is an existing directory, the entry goes into it under its own name; otherwise {@code target}
 * is the new path, whose parent must exist. Nothing is ever replaced: an entry already at the final path is
 * {@code ALREADY_EXISTS}. A directory moves with everything in it, but never into itself.
 * Answered by {@link EntryReply} (the entry at its new path) or by an {@link ErrorReply}.
 *
 * @param source the entry, from the user's root
 * @param target where it goes, from the user's root
 */
public record MoveRequest(String source, String target) implements Message {

    public MoveRequest {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
    }
}
