package netdisk.protocol;

/**
 * Client → server: how much space do I use, and how much may I? Answered by {@link UsageReply}.
 *
 * <p>The payload is empty.
 */
public record UsageRequest() implements Message {
}
