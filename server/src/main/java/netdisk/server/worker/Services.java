package netdisk.server.worker;

import java.io.IOException;
import java.time.Clock;

import com.zaxxer.hikari.HikariDataSource;

import netdisk.server.audit.AuditLog;
import netdisk.server.auth.Accounts;
import netdisk.server.auth.LoginThrottle;
import netdisk.server.auth.PasswordHasher;
import netdisk.server.auth.SessionTokens;
import netdisk.server.auth.ThrottlePolicy;
import netdisk.server.auth.TransferTickets;
import netdisk.server.disk.Disk;
import netdisk.server.storage.CachedMetadataStore;
import netdisk.server.storage.FileBlobStore;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataDatabase;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.UnfinishedUploads;
import netdisk.server.storage.WalIndexVersion;

/**
 * What one worker's sessions serve with, opened once per worker on the data directory: the disk (metadata and
 * blobs), accounts, the audit log. All thread-safe, shared by the worker's sessions; one database pool under all of
 * it.
 */
record Services(Disk disk, FileTransfers transfers, Accounts accounts, AuditLog audit, HikariDataSource database,
                CachedMetadataStore metadata) implements AutoCloseable {

    static Services open(WorkerSettings settings, WorkerIdentity identity) throws IOException {
        HikariDataSource database;
        try {
            database = MetadataDatabase.connectSqlite(settings.dataDir());
        } catch (MetadataException e) {
            throw new IOException("cannot open the metadata database: " + e.getMessage(), e);
        }
        CachedMetadataStore metadata;
        Clock clock = Clock.systemUTC();
        try {
            metadata = new CachedMetadataStore(JdbcMetadataStore.create(database, clock),
                    WalIndexVersion.open(database.getDataSource(),
                            settings.dataDir().toRealPath().resolve(MetadataDatabase.SQLITE_FILE)));
        } catch (MetadataException e) {
            database.close();
            throw new IOException(e.getMessage(), e);
        }
        try {
            Disk disk = Disk.open(metadata, new UnfinishedUploads(database, clock),
                    FileBlobStore.open(settings.dataDir()), settings.dataDir());
            var accounts = new Accounts(metadata, new PasswordHasher(), new SessionTokens(database, clock),
                    new LoginThrottle(database, clock, ThrottlePolicy.DEFAULT), settings.sessionLifetime(),
                    settings.allowRegister(), TransferTickets.open(settings.dataDir(), clock, settings.ticketLifetime()));
            return new Services(disk, new FileTransfers(disk, identity), accounts,
                    AuditLog.open(settings.dataDir(), clock), database, metadata);
        } catch (IOException | RuntimeException e) {
            metadata.close();
            database.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            disk.close();
        } catch (IOException e) {
            // closing at worker exit: nothing left to protect
        }
        audit.close();
        metadata.close();
        database.close();
    }
}
