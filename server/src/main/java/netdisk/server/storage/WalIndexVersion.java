package netdisk.server.storage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata's version read straight from SQLite's WAL index, the {@code metadata.db-shm} file that every
 * connection of every process maps: the same test SQLite makes to decide whether its page cache is stale, without a
 * read transaction's locks, system calls and JDBC calls. {@link SqliteDataVersion} cost 13 % of a worker's CPU in
 * sessions of one download per request; this costs a memory read.
 *
 * <p>The WAL index begins with two copies of a 48-byte header (the format is documented at
 * <a href="https://www.sqlite.org/walformat.html">sqlite.org/walformat.html</a>, section 2.2.1). A writer commits by
 * writing the second copy, then, after a memory barrier, the first; every commit changes it (its change counter and
 * frame count), and so does a checkpoint that restarts the WAL (its salts). SQLite reads the first copy, then the
 * second, and takes the header only when both are equal; when it differs from the header it saw last, another
 * connection changed the database: exactly when {@code PRAGMA data_version} changes. This class does the same with
 * a read-only shared mapping of the file and counts the changes it sees. A read that finds the two copies different
 * (a commit under way) counts as a change too: a change too many only costs the cache one reload.
 *
 * <p>It holds a {@link SqliteDataVersion} for as long as it lives: its connection keeps SQLite's shared lock on the
 * database, so no other connection can delete or truncate the {@code -shm} file under the mapping (SQLite does that
 * only when no connection has the database open). {@link #open} falls back on that {@code SqliteDataVersion} when the
 * index does not look like the version it knows (a wal-index version other than {@value #WALINDEX_VERSION}, which
 * has not changed since SQLite 3.7.0 and must stay readable across library versions, since processes running
 * different ones may share a database).
 */
public final class WalIndexVersion implements MetadataVersion {

    private static final Logger log = LoggerFactory.getLogger(WalIndexVersion.class);

    /** {@code WALINDEX_MAX_VERSION} of SQLite's wal.c, the header's first field. */
    static final int WALINDEX_VERSION = 3_007_000;
    /** The size of one copy of the header, {@code sizeof(WalIndexHdr)}. */
    static final int HEADER_BYTES = 48;
    /** The header's {@code isInit} byte: 1 once a connection has built the index. */
    private static final int IS_INIT_OFFSET = 12;

    private final SqliteDataVersion connection;
    private final Arena arena;
    private final MemorySegment index;
    private final ReentrantLock lock = new ReentrantLock();
    private final long[] first = new long[HEADER_BYTES / Long.BYTES];
    private final long[] second = new long[HEADER_BYTES / Long.BYTES];
    private final long[] seen = new long[HEADER_BYTES / Long.BYTES];
    private boolean seenValid;
    private long changes;
    private boolean closed;

    private WalIndexVersion(SqliteDataVersion connection, Arena arena, MemorySegment index) {
        this.connection = connection;
        this.arena = arena;
        this.index = index;
    }

    /**
     * The version of the SQLite database {@code databaseFile} in WAL mode, {@code sqlite} a data source of it (not a
     * pool): read from its WAL index when that can be done, else by {@code PRAGMA data_version}.
     */
    public static MetadataVersion open(DataSource sqlite, Path databaseFile) throws MetadataException {
        Objects.requireNonNull(databaseFile, "databaseFile");
        SqliteDataVersion connection = SqliteDataVersion.open(sqlite);
        try {
            connection.current(); // a read on this connection: the index is mapped and built before we map it
            Path shm = databaseFile.resolveSibling(databaseFile.getFileName() + "-shm");
            Arena arena = Arena.ofShared();
            try (FileChannel channel = FileChannel.open(shm, StandardOpenOption.READ)) {
                if (channel.size() >= 2 * HEADER_BYTES) {
                    MemorySegment index = channel.map(FileChannel.MapMode.READ_ONLY, 0, 2 * HEADER_BYTES, arena);
                    if (looksKnown(index)) {
                        return new WalIndexVersion(connection, arena, index);
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.debug("cannot map {}: {}", shm, e.toString());
            }
            arena.close();
            log.warn("the WAL index of {} is not in the format this server knows: each request will check the "
                    + "metadata's version with PRAGMA data_version (slower)", databaseFile);
            return connection;
        } catch (MetadataException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private static boolean looksKnown(MemorySegment index) {
        return index.get(ValueLayout.JAVA_INT, 0) == WALINDEX_VERSION
                && index.get(ValueLayout.JAVA_BYTE, IS_INIT_OFFSET) == 1;
    }

    @Override
    public long current() throws MetadataException {
        lock.lock();
        try {
            if (closed) {
                throw new MetadataException(MetadataException.Reason.STORAGE_ERROR, "the metadata version is closed");
            }
            read(0, first);
            VarHandle.loadLoadFence(); // the first copy before the second: the writer's order reversed
            read(HEADER_BYTES, second);
            boolean whole = Arrays.equals(first, second) && looksKnown(index);
            if (!whole || !seenValid || !Arrays.equals(first, seen)) {
                changes++;
                System.arraycopy(first, 0, seen, 0, seen.length);
                seenValid = whole;
            }
            return changes;
        } finally {
            lock.unlock();
        }
    }

    private void read(long offset, long[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = index.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + (long) i * Long.BYTES);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                arena.close(); // unmapped before the connection that keeps the file in place goes
                connection.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
