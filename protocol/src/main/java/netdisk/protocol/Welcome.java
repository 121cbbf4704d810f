package netdisk.protocol;

import java.util.Objects;

/**
 * The server's answer to a compatible {@link Hello}: the connection is accepted.
 *
 * <p>Besides its own version, the server says which worker process serves the connection, so
 * that a client's log and the server's log can be matched when something goes wrong.
 *
 * <pre>
 * +-----------+-----------+------------------------+-----------------+-----------------+
 * | major     | minor     | serverVersion (string) | workerNumber    | workerPid       |
 * | (u16)     | (u16)     | u16 length + UTF-8     | (u32)           | (u64)           |
 * +-----------+-----------+------------------------+-----------------+-----------------+
 * </pre>
 *
 * @param major         the server's major protocol version, 0 to 65535
 * @param minor         the server's minor protocol version, 0 to 65535
 * @param serverVersion free-form server name and version, e.g. {@code "netdisk-server/0.1.0"}
 * @param workerNumber  which worker serves this connection; a u32 carried in the int's bits
 * @param workerPid     the operating-system process id of that worker; a u64 carried in the long's bits
 */
public record Welcome(int major, int minor, String serverVersion, int workerNumber, long workerPid)
        implements Message {

    /**
     * Checks the components against their wire ranges.
     *
     * @throws IllegalArgumentException if a version number does not fit in a u16
     */
    public Welcome {
        Wire.checkU16(major, "major");
        Wire.checkU16(minor, "minor");
        Objects.requireNonNull(serverVersion, "serverVersion");
    }
}
