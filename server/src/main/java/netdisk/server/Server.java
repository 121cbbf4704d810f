package netdisk.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Objects;

import netdisk.protocol.NetdiskVersion;
import netdisk.server.audit.AuditLog;
import netdisk.server.control.ControlServer;
import netdisk.server.master.Master;
import netdisk.server.master.ServerStatus;
import netdisk.server.master.UploadExpiry;
import netdisk.server.pool.ProcessWorkerLauncher;
import netdisk.server.pool.WorkerClassArchive;
import netdisk.server.pool.WorkerLauncher;
import netdisk.server.storage.FileBlobStore;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.StartupSweep;
import netdisk.server.worker.ThreadWorkerLauncher;
import netdisk.server.worker.WorkerSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running netdisk server: the run directory claimed, the master with its workers, the control socket. Started by
 * {@link #start}, stopped gracefully by {@link #stop} once its {@link StopRequest} was made (by a signal handler, the
 * control socket or a test).
 */
public final class Server {

    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final ServerConfig config;
    private final RunDirectory run;
    private final Master master;
    private final ControlServer control;
    private final StopRequest stopRequest;
    /** Empty for {@code serve-file}, which stores nothing. */
    private final Optional<UploadExpiry> uploadExpiry;

    private Server(ServerConfig config, RunDirectory run, Master master, ControlServer control,
            StopRequest stopRequest, Optional<UploadExpiry> uploadExpiry) {
        this.config = config;
        this.run = run;
        this.master = master;
        this.control = control;
        this.stopRequest = stopRequest;
        this.uploadExpiry = uploadExpiry;
    }

    /**
     * Claims the data directory, starts the workers, listens, and opens the control socket.
     *
     * @param stopRequest where {@code netdisk-server stop} (on the control socket) asks for a stop
     * @throws IOException if any of it fails; whatever was started is stopped again
     */
    public static Server start(ServerConfig config, StopRequest stopRequest) throws IOException {
        Objects.requireNonNull(config, "config");
        log.info("netdisk-server {} starting: pid {}, {} mode, data {}", NetdiskVersion.VALUE,
                ProcessHandle.current().pid(), config.mode().name().toLowerCase(Locale.ROOT),
                config.dataDir().toAbsolutePath());
        RunDirectory run = RunDirectory.claim(config.dataDir());
        WorkerLauncher launcher = launcher(config); // first: the check of the workers' class archive starts here
        Optional<UploadExpiry> uploadExpiry = Optional.empty();
        if (config.serveFile().isEmpty()) {
            try {
                prepareStorage(config.dataDir());
                uploadExpiry = Optional.of(firstUploadExpiry(config));
            } catch (IOException | RuntimeException e) {
                run.close();
                throw e;
            }
        }
        Master master = new Master(config, launcher);
        ControlServer control = null;
        try {
            // The control socket first: once the log says "listening", status and stop work.
            control = ControlServer.start(run.controlSocket(), master::status, stopRequest::request);
            master.start();
        } catch (IOException | RuntimeException e) {
            master.stop();
            if (control != null) {
                control.close();
            }
            uploadExpiry.ifPresent(UploadExpiry::close);
            run.close();
            throw e;
        }
        uploadExpiry.ifPresent(UploadExpiry::start);
        return new Server(config, run, master, control, stopRequest, uploadExpiry);
    }

    /**
     * Before any worker runs: brings the metadata schema up to date, and mends what a crash left (blobs to put back,
     * temporary blob files, blobs no file refers to). Only safe now, when no upload can be in progress.
     */
    private static void prepareStorage(Path dataDir) throws IOException {
        try (var metadata = JdbcMetadataStore.openSqlite(dataDir)) {
            StartupSweep.Result swept = StartupSweep.run(metadata, FileBlobStore.open(dataDir));
            if (swept.restoredBlobs() > 0) {
                log.info("put back {} blob(s) whose rename a crash had undone", swept.restoredBlobs());
            }
            if (swept.temporaryFiles() + swept.unreferencedBlobs() > 0) {
                log.info("removed what an earlier run left: {} unfinished upload(s), {} unreferenced blob(s)",
                        swept.temporaryFiles(), swept.unreferencedBlobs());
            }
        } catch (MetadataException e) {
            throw new IOException("metadata database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The sweep of unfinished uploads, after its first run: before any worker, what expired while the server was down
     * goes, and so do partial files a crash left without a row.
     */
    private static UploadExpiry firstUploadExpiry(ServerConfig config) throws IOException {
        UploadExpiry expiry = UploadExpiry.open(config.dataDir(), config.uploadExpiry());
        try {
            expiry.runOnce();
            return expiry;
        } catch (MetadataException e) {
            expiry.close();
            throw new IOException("metadata database in " + config.dataDir() + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            expiry.close();
            throw e;
        }
    }

    private static WorkerLauncher launcher(ServerConfig config) {
        var settings = new WorkerSettings(config.handshakeTimeout(), config.idleTimeout(), config.stallTimeout(),
                config.dataDir(),
                config.serveFile(), config.sessionLifetime(), config.ticketLifetime(), config.allowRegister());
        return switch (config.mode()) {
            case PROCESS -> {
                List<String> prefix = WorkerCommandLine.prefix(config.workerJvmOptions(), config.workers());
                yield new ProcessWorkerLauncher(prefix, WorkerCommandLine.suffix(settings),
                        config.classCache().flatMap(dir -> WorkerClassArchive.in(dir, prefix)),
                        crashReportDirectory(config.dataDir()));
            }
            case THREAD -> new ThreadWorkerLauncher(settings);
        };
    }

    /**
     * {@code DATA/logs}, the audit log's directory (made as the audit log makes it), for workers' crash reports; none
     * if it cannot be made.
     */
    private static Optional<Path> crashReportDirectory(Path dataDir) {
        Path logs = dataDir.resolve(AuditLog.FILE).getParent();
        var permissions = PosixFilePermissions.fromString(AuditLog.DIRECTORY_PERMISSIONS);
        try {
            return Optional.of(Files.createDirectories(logs, PosixFilePermissions.asFileAttribute(permissions)));
        } catch (IOException e) {
            log.warn("cannot create {}: crash reports of workers go to the master's working directory ({})", logs,
                    e.getMessage());
            return Optional.empty();
        }
    }

    public InetSocketAddress address() {
        return master.address();
    }

    public ServerStatus status() {
        return master.status();
    }

    /** For thread-mode tests: crash worker {@code number} as {@code kill -9} would crash a worker process. */
    public void killWorker(int number) {
        master.killWorker(number);
    }

    /** Stops gracefully (see {@link Master#stop()}) and releases the data directory. */
    public void stop() {
        log.info("stopping ({})", stopRequest.reason().orElse("asked to"));
        uploadExpiry.ifPresent(UploadExpiry::close);
        master.stop();
        try {
            control.close();
        } catch (IOException e) {
            log.warn("closing the control socket: {}", e.getMessage());
        }
        try {
            run.close();
        } catch (IOException e) {
            log.warn("releasing {}: {}", config.dataDir(), e.getMessage());
        }
    }
}
