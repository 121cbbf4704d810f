package netdisk.server.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.UUID;

import netdisk.protocol.ErrorCode;

/**
 * The directory the server serves ({@code DATA/files}), and where uploads are received ({@code DATA/tmp/uploads}).
 *
 * <p>A client's path is first checked by {@link RemotePath} (no {@code ..}, not absolute, no NUL), then resolved one
 * name at a time from the root without following any symbolic link: a link anywhere on the way is refused, and files
 * are opened with {@code O_NOFOLLOW}. Nothing outside the area can be read or written through it.
 *
 * <p>Uploads are written to a temporary file beside the area (same file system), flushed, and renamed into place only
 * when complete, so a half-received file is never visible under its name. {@link #sweepUploads()} removes what a
 * crash left behind.
 */
public final class FileArea {

    private final Path root;
    private final Path uploads;

    private FileArea(Path root, Path uploads) {
        this.root = root;
        this.uploads = uploads;
    }

    /** The file area of data directory {@code dataDir}, created if needed. */
    public static FileArea open(Path dataDir) throws IOException {
        Path root = Files.createDirectories(dataDir.resolve("files")).toRealPath();
        Path uploads = Files.createDirectories(dataDir.resolve("tmp").resolve("uploads")).toRealPath();
        return new FileArea(root, uploads);
    }

    public Path root() {
        return root;
    }

    /**
     * The regular file named by {@code path}.
     *
     * @throws FileAreaException NOT_FOUND, IS_A_DIRECTORY or BAD_PATH (a symbolic link, something that is not a file)
     */
    public Path existingFile(RemotePath path) throws FileAreaException {
        Path file = walk(path, path.names().size());
        BasicFileAttributes attributes = attributes(file).orElseThrow(() -> notFound(path));
        if (attributes.isDirectory()) {
            throw new FileAreaException(ErrorCode.IS_A_DIRECTORY, path + " is a directory");
        }
        if (!attributes.isRegularFile()) {
            throw new FileAreaException(ErrorCode.BAD_PATH, path + " is not a regular file");
        }
        return file;
    }

    /** Opens {@link #existingFile} for reading, refusing a symbolic link that appeared in the meantime. */
    public FileChannel openForReading(RemotePath path) throws FileAreaException {
        Path file = existingFile(path);
        try {
            return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw notFound(path);
        } catch (IOException e) {
            throw new FileAreaException(ErrorCode.STORAGE_ERROR, "cannot open " + path + ": " + e.getMessage());
        }
    }

    /**
     * Where an upload to {@code path} will land: its directory must exist, and the name must be free or a regular
     * file (which the upload replaces).
     *
     * @throws FileAreaException NOT_FOUND (no such directory), IS_A_DIRECTORY, BAD_PATH
     */
    public Path uploadTarget(RemotePath path) throws FileAreaException {
        Path directory = walk(path, path.names().size() - 1);
        BasicFileAttributes parent = attributes(directory).orElseThrow(() -> new FileAreaException(
                ErrorCode.NOT_FOUND, "no directory " + String.join("/", path.names().subList(0, path.names().size() - 1))));
        if (!parent.isDirectory()) {
            throw new FileAreaException(ErrorCode.NOT_FOUND, "not a directory: " + directory.getFileName());
        }
        Path target = directory.resolve(path.fileName());
        Optional<BasicFileAttributes> existing = attributes(target);
        if (existing.isPresent() && existing.get().isDirectory()) {
            throw new FileAreaException(ErrorCode.IS_A_DIRECTORY, path + " is a directory");
        }
        if (existing.isPresent() && !existing.get().isRegularFile()) {
            throw new FileAreaException(ErrorCode.BAD_PATH, path + " exists and is not a regular file");
        }
        return target;
    }

    /**
     * A fresh, empty temporary file for one upload by the worker with pid {@code owner}, so that the uploads a dead
     * worker left can be found ({@link #sweepUploadsOf}).
     */
    public Path newUpload(long owner) throws IOException {
        return Files.createFile(uploads.resolve(owner + "-" + UUID.randomUUID() + ".part"));
    }

    /** Deletes the unfinished uploads of the (dead) worker with pid {@code owner}; returns how many. */
    public int sweepUploadsOf(long owner) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(uploads, owner + "-*.part")) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Makes a completed upload visible: flushes it, renames it over {@code target} atomically, and flushes the
     * directory so that the rename survives a crash.
     */
    public void publish(Path upload, FileChannel content, Path target) throws IOException {
        content.force(true);
        try {
            Files.move(upload, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("uploads and files are on different file systems: " + e.getMessage(), e);
        }
        try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** Bytes that can still be written where uploads are received (the same file system as the area). */
    public long usableSpace() throws IOException {
        return Files.getFileStore(uploads).getUsableSpace();
    }

    /** Deletes every leftover upload; for the master, before any worker runs. Returns how many there were. */
    public int sweepUploads() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(uploads)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
                removed++;
            }
        }
        return removed;
    }

    /** How many uploads are in progress (or left over); for tests and status. */
    public long pendingUploads() throws IOException {
        try (var files = Files.list(uploads)) {
            return files.count();
        }
    }

    /** Resolves the first {@code count} names of {@code path}, refusing a symbolic link or a non-directory on the way. */
    private Path walk(RemotePath path, int count) throws FileAreaException {
        Path current = root;
        for (int i = 0; i < count; i++) {
            current = current.resolve(path.names().get(i));
            BasicFileAttributes attributes = attributes(current).orElse(null);
            if (attributes == null) {
                if (i == count - 1) {
                    return current;
                }
                throw new FileAreaException(ErrorCode.NOT_FOUND, "no directory "
                        + String.join("/", path.names().subList(0, i + 1)));
            }
            if (attributes.isSymbolicLink()) {
                throw new FileAreaException(ErrorCode.BAD_PATH, "refused: "
                        + String.join("/", path.names().subList(0, i + 1)) + " is a symbolic link");
            }
            if (i < count - 1 && !attributes.isDirectory()) {
                throw new FileAreaException(ErrorCode.NOT_FOUND, "not a directory: "
                        + String.join("/", path.names().subList(0, i + 1)));
            }
        }
        return current;
    }

    private static Optional<BasicFileAttributes> attributes(Path path) throws FileAreaException {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new FileAreaException(ErrorCode.STORAGE_ERROR, "cannot read " + path.getFileName() + ": "
                    + e.getMessage());
        }
    }

    private static FileAreaException notFound(RemotePath path) {
        return new FileAreaException(ErrorCode.NOT_FOUND, "no such file: " + path);
    }
}
