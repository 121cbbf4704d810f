package netdisk.protocol;

/**
 * The version of the wire format this code speaks, and the rule for whether two peers can talk.
 *
 * <p>The version travels in the handshake: the client names its version in {@link Hello}, the
 * server names its own in {@link Welcome}. Only the major number decides compatibility: a minor
 * step may add messages or error codes that an older peer answers with
 * {@link ErrorCode#UNSUPPORTED}, but never changes the layout of an existing message. A major step
 * may change anything, which is why a different major number ends the connection with
 * {@link ErrorCode#VERSION_MISMATCH}.
 *
 * <p>Every {@link Hello} also starts with {@link #MAGIC}, so that a server receiving bytes from
 * something that is not a netdisk client (an HTTP probe, a port scanner) notices on the first frame.
 */
public final class ProtocolVersion {

    /** Major version: peers with different major versions cannot talk to each other. */
    public static final int MAJOR = 1;

    /** Minor version: informational; peers with the same major version may differ here. */
    public static final int MINOR = 4;

    /** The first four payload bytes of every {@link Hello}: ASCII {@code "NDSK"}. */
    public static final int MAGIC = 0x4E44534B;

    private ProtocolVersion() {
    }

    /**
     * Tells whether a peer announcing {@code major} can talk to this implementation.
     *
     * @param major the peer's major version
     * @return {@code true} when it equals {@link #MAJOR}
     */
    public static boolean compatible(int major) {
        return major == MAJOR;
    }
}
