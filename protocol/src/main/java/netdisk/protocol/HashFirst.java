package netdisk.protocol;

/**
 * Server → client (1.4): the answer to a {@link PutStream} that the server will not take streamed, because content of
 * that size is stored already (the upload may be instant) or because it is too small to be worth streaming. The
 * client sends a {@link PutFile} with the content's SHA-256 instead, as a new request; nothing of the
 * {@code PutStream} is kept.
 *
 * <p>The payload is empty.
 */
public record HashFirst() implements Message {
}
