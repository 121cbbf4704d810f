package netdisk.client;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.Objects;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.FileInfo;
import netdisk.protocol.FilePart;

/**
 * One remote file downloaded into a local target so that an interrupted download is not lost. The content goes into
 * a partial file beside the target, {@code .NAME.netdisk-part} (one name per target, so the next attempt finds it),
 * which becomes the target, by an atomic rename, only once it is complete, verified against the file's SHA-256 and
 * flushed to disk. Whatever stops a download half-way (the client killed, Ctrl-C, the connection cut, the server's
 * worker or the whole server killed) leaves the partial file; the next download into the same target hashes it and
 * asks for the rest ({@link NetdiskClient#getFileFrom}), which is appended only if the server's file still starts
 * with those bytes, else the whole file comes again.
 *
 * <p>The partial file:
 * <ul>
 *   <li>is locked ({@link FileChannel#tryLock}) for the whole download, so that a second download into the same
 *       target, from this process or another, fails at once ({@link LocalTargetException}) instead of writing into
 *       the same file;</li>
 *   <li>is deleted when the file does not match its SHA-256 (its bytes cannot be trusted as a prefix);</li>
 *   <li>is kept after any other failure, unless this download created it and nothing arrived: a refusal (no such
 *       file...) deletes nothing it did not create;</li>
 *   <li>is emptied first when resuming is not wanted ({@link #resume(boolean)}), or not possible: a server older
 *       than protocol 1.3 sends whole files.</li>
 * </ul>
 *
 * <p>Nothing here knows about the command line: an instance describes one target and may be used from any thread,
 * with a connection that thread alone uses.
 */
public final class ResumableDownload {

    /** What the partial file's name adds to the target's, after a leading dot. */
    public static final String PARTIAL_SUFFIX = ".netdisk-part";

    private static final int LOCK_ATTEMPTS = 3;

    private final Path target;
    private final Path partial;
    private final boolean resume;
    private final ContentHash.Progress hashing;

    private ResumableDownload(Path target, boolean resume, ContentHash.Progress hashing) {
        this.target = target;
        this.partial = partialFor(target);
        this.resume = resume;
        this.hashing = Objects.requireNonNull(hashing, "hashing");
    }

    /** A download into {@code target} (a regular file's path; its directory must exist), resuming if it can. */
    public static ResumableDownload into(Path target) {
        Path absolute = Objects.requireNonNull(target, "target").toAbsolutePath();
        if (absolute.getFileName() == null) {
            throw new IllegalArgumentException("not a file's path: " + target);
        }
        return new ResumableDownload(absolute, true, ContentHash.Progress.NONE);
    }

    /** {@code false}: empty an existing partial file and download from the start. */
    public ResumableDownload resume(boolean wanted) {
        return new ResumableDownload(target, wanted, hashing);
    }

    /** Hears the hashing of an existing partial file before a resume (and may throw to stop it: a cancel). */
    public ResumableDownload hashing(ContentHash.Progress progress) {
        return new ResumableDownload(target, resume, progress);
    }

    /** The partial file of {@code target}: {@code .NAME.netdisk-part} in the same directory. */
    public static Path partialFor(Path target) {
        Path absolute = target.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + PARTIAL_SUFFIX);
    }

    public Path target() {
        return target;
    }

    public Path partial() {
        return partial;
    }

    /**
     * What a download did.
     *
     * @param name        the file's name as the server gave it (not checked here: never make it a local path
     *                    unchecked)
     * @param size        the file's size
     * @param sha256      its SHA-256, which the target now matches
     * @param resumedFrom how many bytes were already there from an earlier attempt (0: all of it came now)
     */
    public record Result(String name, long size, String sha256, long resumedFrom) {

        public boolean resumed() {
            return resumedFrom > 0;
        }
    }

    /**
     * Downloads {@code remotePath} over {@code client} into the target, resuming from the partial file if there is
     * one that is a prefix of the file. {@code listener} hears the transfer from the offset it resumes at.
     *
     * @throws LocalTargetException if the partial file cannot be made or is locked by another download, or the
     *     finished file cannot be put in place (it stays, complete, in the partial file)
     * @throws IntegrityException if the file does not match its SHA-256 (the partial file is deleted)
     * @throws ServerRefusedException if the server refuses (no such file...)
     * @throws TransferInterruptedException if the transfer broke off (the partial file keeps what arrived)
     */
    public Result download(NetdiskClient client, String remotePath, TransferListener listener) throws IOException {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(remotePath, "remotePath");
        Objects.requireNonNull(listener, "listener");
        Held held = lock();
        boolean complete = false;
        boolean damaged = false;
        try {
            FileChannel out = held.channel();
            if (!resume) {
                out.truncate(0);
            }
            Result result = client.resumesDownloads()
                    ? resumed(client, remotePath, out, listener)
                    : whole(client, remotePath, out, listener);
            out.force(true);
            putInPlace();
            complete = true;
            return result;
        } catch (IntegrityException e) {
            damaged = true;
            throw e;
        } finally {
            if (!complete && (damaged || held.created() && sizeOf(held.channel()) == 0)) {
                deleteQuietly(); // still locked: no other download can have taken it up
            }
            held.release();
        }
    }

    /** A server of 1.3 or later: from where the partial file ends, if it is a prefix of the file. */
    private Result resumed(NetdiskClient client, String remotePath, FileChannel out, TransferListener listener)
            throws IOException {
        long length = out.size();
        MessageDigest prefix = length == 0 ? ContentHash.newDigest() : ContentHash.digestOf(out, length, hashing);
        FilePart part;
        try {
            part = client.getFileFrom(remotePath, out, prefix, listener);
        } catch (ServerRefusedException e) {
            if (e.code().filter(code -> code == ErrorCode.UNSUPPORTED).isPresent()) {
                return whole(client, remotePath, out, listener); // says 1.3, yet does not know GetFrom
            }
            throw e;
        }
        return new Result(part.name(), part.size(), part.sha256(), part.offset());
    }

    /** A server before 1.3 (or one refusing GetFrom): the whole file, over whatever the partial file held. */
    private static Result whole(NetdiskClient client, String remotePath, FileChannel out, TransferListener listener)
            throws IOException {
        out.truncate(0);
        out.position(0);
        FileInfo info = client.getFile(remotePath, out, listener);
        return new Result(info.name(), info.size(), info.sha256(), 0);
    }

    private void putInPlace() throws LocalTargetException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LocalTargetException("cannot put the download in place as " + target + ": " + e
                    + " (it is complete in " + partial + ")", e);
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Makes the rename durable: the file's content was forced before it, its new name is in the directory. Best
     * effort: a file system that cannot sync a directory leaves the name to its own write-back, as before.
     */
    private static void syncDirectory(Path directory) {
        if (directory == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not every file system syncs a directory; the download is in place either way
        }
    }

    /** The partial file, open and locked, and whether this download created it. */
    private record Held(FileChannel channel, FileLock lock, boolean created) {

        /** Closes the file, which releases the lock. */
        void release() {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a file descriptor: the lock goes with it whatever close says
            }
        }
    }

    /**
     * Opens (or creates) the partial file and locks it. A download that finishes renames or deletes its partial
     * file while it holds the lock, so the file locked here must still be the one at the partial file's name: if
     * another download replaced it between the opening and the lock, this one starts again.
     */
    private Held lock() throws IOException {
        for (int attempt = 1; ; attempt++) {
            boolean created = true;
            FileChannel channel;
            try {
                try {
                    channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                } catch (FileAlreadyExistsException e) {
                    created = false;
                    channel = FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS);
                }
            } catch (NoSuchFileException e) {
                if (!created && attempt < LOCK_ATTEMPTS) {
                    continue; // deleted between the two opens
                }
                throw new LocalTargetException("no such directory: " + partial.getParent(), e);
            } catch (AccessDeniedException e) {
                throw new LocalTargetException(created ? "cannot write in " + partial.getParent()
                        + ": permission denied" : "cannot write " + partial + ": permission denied", e);
            } catch (IOException e) {
                throw new LocalTargetException("cannot open " + partial + ": " + e.getMessage(), e);
            }
            Object opened = fileKey();
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this process, through another channel
            } catch (IOException e) {
                channel.close();
                throw new LocalTargetException("cannot lock " + partial + ": " + e.getMessage(), e);
            }
            if (lock == null) {
                channel.close();
                throw new LocalTargetException("another download into " + target + " is running (its partial file "
                        + partial + " is locked)");
            }
            if (opened != null && opened.equals(fileKey())) {
                return new Held(channel, lock, created);
            }
            channel.close();
            if (attempt == LOCK_ATTEMPTS) {
                throw new LocalTargetException("the partial file " + partial + " keeps being replaced by other"
                        + " downloads into " + target);
            }
        }
    }

    /** The partial file's identity (device and inode), or null when there is none. */
    private Object fileKey() {
        try {
            return Files.readAttributes(partial, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static long sizeOf(FileChannel channel) {
        try {
            return channel.size();
        } catch (IOException e) {
            return -1;
        }
    }

    private void deleteQuietly() {
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            // the failure being reported matters more; a partial file left is resumed or replaced next time
        }
    }
}
