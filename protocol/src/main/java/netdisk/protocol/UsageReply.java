package netdisk.protocol;

/**
 * Server → client: the logged-in user's usage.
 *
 * <pre>
 * +-------------+-------------+---------------+-----------------+--------------------+
 * | used (u64)  | files (u64) | has quota(u8) | quota (u64)     | server free (u64)  |
 * +-------------+-------------+---------------+-----------------+--------------------+
 * </pre>
 *
 * @param used       bytes in the user's files (a file counts in full even when its content is shared)
 * @param files      how many files the user has
 * @param quota      the user's quota in bytes, or -1 for none (on the wire: has quota 0 and quota 0)
 * @param serverFree bytes still free on the server's storage, for everyone
 */
public record UsageReply(long used, long files, long quota, long serverFree) implements Message {

    /** {@link #quota()} when the user has no quota. */
    public static final long NO_QUOTA = -1;

    /**
     * @throws IllegalArgumentException if a value is negative (other than {@link #NO_QUOTA})
     */
    public UsageReply {
        Wire.checkSize(used, "used");
        Wire.checkSize(files, "files");
        if (quota != NO_QUOTA) {
            Wire.checkSize(quota, "quota");
        }
        Wire.checkSize(serverFree, "serverFree");
    }

    public boolean hasQuota() {
        return quota != NO_QUOTA;
    }
}
