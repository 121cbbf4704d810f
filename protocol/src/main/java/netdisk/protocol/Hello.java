package netdisk.protocol;

import java.util.Objects;

/**
 * The client's opening frame: proves it speaks this protocol and names its version.
 *
 * <p>A client sends {@code Hello} first on every connection and nothing else until it has the
 * answer: {@link Welcome} when the major versions match, otherwise an {@link ErrorReply} with
 * {@link ErrorCode#VERSION_MISMATCH}, after which the server closes.
 *
 * <pre>
 * +--------------+-----------+-----------+---------------------------+
 * | magic (u32)  | major     | minor     | software (string)         |
 * | 0x4E44534B   | (u16)     | (u16)     | u16 byte length + UTF-8   |
 * +--------------+-----------+-----------+---------------------------+
 * </pre>
 *
 * <p>The magic is not a record component: it is constant, written by the encoder and checked by
 * the decoder ({@link ProtocolVersion#MAGIC}).
 *
 * @param major    the client's major protocol version, 0 to 65535
 * @param minor    the client's minor protocol version, 0 to 65535
 * @param software free-form client name and version for the server's log, e.g. {@code "netdisk-client/0.1.0"}
 */
public record Hello(int major, int minor, String software) implements Message {

    /**
     * Checks the components against their wire ranges.
     *
     * @throws IllegalArgumentException if a version number does not fit in a u16
     */
    public Hello {
        Wire.checkU16(major, "major");
        Wire.checkU16(minor, "minor");
        Objects.requireNonNull(software, "software");
    }

    /**
     * A {@code Hello} announcing the version this code speaks.
     *
     * @param software the client's name and version
     * @return a hello for {@link ProtocolVersion#MAJOR}.{@link ProtocolVersion#MINOR}
     */
    public static Hello current(String software) {
        return new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR, software);
    }
}
