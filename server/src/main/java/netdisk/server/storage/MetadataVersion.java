package netdisk.server.storage;

/**
 * Tells whether the metadata changed: a value that differs from the one read before whenever a transaction was
 * committed in between, by any connection of any process. What {@link CachedMetadataStore} checks before each read
 * it answers from memory.
 */
public interface MetadataVersion extends AutoCloseable {

    /** The current value; compare it only with values from the same {@code MetadataVersion}. */
    long current() throws MetadataException;

    @Override
    void close();
}
