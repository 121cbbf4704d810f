package netdisk.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * {@code DATA/run/}: what exists only while a server runs on that data directory. Owner-only ({@code 0700}). Holds
 * {@code server.pid}, locked for the server's lifetime so that a second server on the same data refuses to start,
 * and {@code control.sock}, the control socket of {@code netdisk-server status|stop}.
 */
public final class RunDirectory implements AutoCloseable {

    private final Path dir;
    private final FileChannel pidFile;
    private final FileLock lock;

    private RunDirectory(Path dir, FileChannel pidFile, FileLock lock) {
        this.dir = dir;
        this.pidFile = pidFile;
        this.lock = lock;
    }

    /** Where the run directory of {@code dataDir} is, whether or not a server runs. */
    public static Path of(Path dataDir) {
        return dataDir.resolve("run");
    }

    public static Path controlSocket(Path dataDir) {
        return of(dataDir).resolve("control.sock");
    }

    /**
     * Creates the directories if needed and takes the lock.
     *
     * @throws IOException when another server holds it (the message names its pid)
     */
    public static RunDirectory claim(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path dir = of(dataDir);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        FileChannel channel = FileChannel.open(dir.resolve("server.pid"),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            String other = readPid(dataDir).map(pid -> " (pid " + pid + ")").orElse("");
            channel.close();
            throw new IOException("another netdisk-server" + other + " is running on data directory " + dataDir);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
        channel.force(true);
        Files.deleteIfExists(dir.resolve("control.sock")); // left by a server that was killed: we hold the lock now
        return new RunDirectory(dir, channel, lock);
    }

    /** The pid in {@code server.pid}, if the file is there and readable. */
    public static Optional<Long> readPid(Path dataDir) {
        try {
            return Optional.of(Long.parseLong(Files.readString(of(dataDir).resolve("server.pid")).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Path controlSocket() {
        return dir.resolve("control.sock");
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(controlSocket());
        pidFile.truncate(0);
        lock.release();
        pidFile.close();
    }
}
