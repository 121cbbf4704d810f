package netdisk.server.master;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;

import netdisk.server.storage.FileBlobStore;
import netdisk.server.storage.MetadataDatabase;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.PartialUploads;
import netdisk.server.storage.UnfinishedUploads;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's sweep of unfinished uploads ({@link PartialUploads#expire}): deletes the kept uploads that no upload
 * used for the upload expiry, rows and partial files, and partial files that have no row, passing over those a worker
 * holds. It runs once at start-up, before any worker ({@link #runOnce}), then every {@link #interval} on a thread of
 * its own ({@code upload-expiry}), so an abandoned upload is deleted at most a quarter of the expiry late.
 */
public final class UploadExpiry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UploadExpiry.class);
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_INTERVAL = Duration.ofHours(1);

    private final PartialUploads partials;
    private final Duration expiry;
    private final Clock clock;
    private final HikariDataSource database;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("upload-expiry").factory());

    private UploadExpiry(PartialUploads partials, Duration expiry, Clock clock, HikariDataSource database) {
        this.partials = partials;
        this.expiry = expiry;
        this.clock = clock;
        this.database = database;
    }

    /** The sweep of data directory {@code dataDir} (migrated already), for uploads unused for {@code expiry}. */
    public static UploadExpiry open(Path dataDir, Duration expiry) throws IOException {
        Objects.requireNonNull(expiry, "expiry");
        HikariDataSource database;
        try {
            database = MetadataDatabase.connectSqlite(dataDir);
        } catch (MetadataException e) {
            throw new IOException("cannot open the metadata database: " + e.getMessage(), e);
        }
        try {
            Clock clock = Clock.systemUTC();
            var partials = new PartialUploads(new UnfinishedUploads(database, clock),
                    FileBlobStore.open(dataDir).partials());
            return new UploadExpiry(partials, expiry, clock, database);
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** A quarter of {@code expiry}, at least a second and at most an hour. */
    static Duration interval(Duration expiry) {
        Duration quarter = expiry.dividedBy(4);
        return quarter.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL
                : quarter.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : quarter;
    }

    /** Sweeps now; returns what went. */
    public PartialUploads.Expired runOnce() throws IOException, MetadataException {
        PartialUploads.Expired expired = partials.expire(clock.instant().minus(expiry));
        if (expired.uploads() + expired.strayFiles() > 0) {
            log.info("removed {} unfinished upload(s) unused for {} and {} stray partial file(s)", expired.uploads(),
                    spelled(expiry), expired.strayFiles());
        }
        return expired;
    }

    /** {@code duration} as the option is written: {@code 7d}, {@code 36h}, {@code 2s}, {@code 1500ms}. */
    static String spelled(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis + "ms";
    }

    /** Sweeps every {@link #interval} from now on, until {@link #close}. */
    public void start() {
        long every = interval(expiry).toMillis();
        timer.scheduleWithFixedDelay(this::runQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (IOException | MetadataException | RuntimeException e) {
            log.warn("sweeping unfinished uploads failed (tried again in {} ms): {}", interval(expiry).toMillis(),
                    e.toString());
        }
    }

    /** Stops sweeping (waiting for a sweep in progress) and closes the database pool. */
    @Override
    public void close() {
        timer.shutdown(); // cancels the periodic sweep; one in progress finishes
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        database.close();
    }
}
