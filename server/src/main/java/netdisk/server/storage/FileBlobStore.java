package netdisk.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import netdisk.protocol.Sha256;
import netdisk.server.OffCarrier;
import netdisk.server.linux.Libc;

/**
 * The default {@link BlobStore}: one file per blob under {@code DATA/blobs}.
 *
 * <pre>
 * DATA/blobs/ab/cd/abcd…(64 hex digits)   committed blobs, fanned out by the first two bytes of the hash
 * DATA/blobs/tmp/&lt;pid&gt;-&lt;uuid&gt;.part      blobs being written by process pid (and what a crash left)
 * DATA/blobs/tmp/&lt;pid&gt;-&lt;sha256&gt;-&lt;random&gt;.part
 *                                        the same, for a blob whose hash was known first ({@link #begin(String)})
 * DATA/blobs/partial/&lt;id&gt;.part          interrupted uploads kept to be resumed ({@link PartialStore})
 * </pre>
 *
 * <p>Temporary and partial files live inside the store so that the final rename never crosses a file system and is
 * atomic. A committed blob file is never modified, only created by rename and deleted, so readers never see a partial
 * blob. (A crash may leave one under its name, if its rename reached the disk and its content did not; but only a
 * blob that nothing refers to yet, which the start-up sweep deletes before any session.) Paths are built only from
 * hex digests, random UUIDs and random partial ids: no client-supplied text ever reaches the file system.
 */
public final class FileBlobStore implements BlobStore {

    static final String TEMPORARY_SUFFIX = ".part";
    /** The name of a temporary file of {@link #begin(String)}; group 1 is the blob's SHA-256. */
    private static final Pattern NAMED_TEMPORARY = Pattern.compile("\\d+-([0-9a-f]{64})-[0-9a-f]{16}\\.part");
    private static final int RESTORE_BUFFER = 64 << 10;
    /** Temporary files carry the writing process's pid, so that a dead worker's leftovers can be found. */
    private static final long PID = ProcessHandle.current().pid();

    private final Path root;
    private final Path temporary;
    private final PartialStore partials;
    /**
     * Fan-out directories ({@code ab/cd}) seen to exist: committing a blob into one of them needs no check. Nothing
     * in the server removes them; {@link #forgetParents} drops one that vanished anyway.
     */
    private final Set<Path> knownParents = ConcurrentHashMap.newKeySet();

    private FileBlobStore(Path root, Path temporary, PartialStore partials) {
        this.root = root;
        this.temporary = temporary;
        this.partials = partials;
    }

    /** The blob store of data directory {@code dataDir} ({@code dataDir/blobs}), created if needed. */
    public static FileBlobStore open(Path dataDir) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        // Everyone's file contents: owner only.
        Path root = Files.createDirectories(dataDir.resolve("blobs"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))).toRealPath();
        Path temporary = Files.createDirectories(root.resolve("tmp"));
        return new FileBlobStore(root, temporary, PartialStore.open(root));
    }

    public Path root() {
        return root;
    }

    /** The kept partial uploads, {@code blobs/partial}; the sweeps of temporary files never touch them. */
    public PartialStore partials() {
        return partials;
    }

    @Override
    public BlobWriter begin() throws IOException {
        return writerOn(temporary.resolve(PID + "-" + UUID.randomUUID() + TEMPORARY_SUFFIX));
    }

    @Override
    public BlobWriter begin(String sha256) throws IOException {
        if (!BlobId.isSha256Hex(sha256)) {
            throw new IllegalArgumentException("not a lower-case SHA-256 hex digest: " + sha256);
        }
        return writerOn(temporary.resolve(PID + "-" + sha256 + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + TEMPORARY_SUFFIX));
    }

    private BlobWriter writerOn(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new FileBlobWriter(this, file, channel);
    }

    @Override
    public BlobWriter resume(PartialFile partial, MessageDigest held) throws IOException {
        return FileBlobWriter.onPartial(this, partial, held);
    }

    @Override
    public FileChannel open(BlobId blob) throws IOException {
        return FileChannel.open(pathOf(blob.sha256()), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public boolean exists(BlobId blob) {
        return Files.isRegularFile(pathOf(blob.sha256()), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public boolean delete(BlobId blob) throws IOException {
        return Files.deleteIfExists(pathOf(blob.sha256()));
    }

    @Override
    public Stream<String> list() throws IOException {
        return Files.find(root, 3, (path, attributes) -> attributes.isRegularFile()
                        && path.getNameCount() == root.getNameCount() + 3
                        && BlobId.isSha256Hex(path.getFileName().toString()))
                .map(path -> path.getFileName().toString());
    }

    @Override
    public int restore(Referenced referenced) throws IOException, MetadataException {
        int restored = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(temporary)) {
            for (Path leftover : leftovers) {
                Matcher named = NAMED_TEMPORARY.matcher(leftover.getFileName().toString());
                if (!named.matches()) {
                    continue;
                }
                String sha256 = named.group(1);
                Path target = pathOf(sha256);
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) || !referenced.test(sha256)
                        || !sha256.equals(hashOf(leftover))) {
                    continue; // not needed, or not the content its name says: swept with the other leftovers
                }
                createParents(target, true);
                Files.move(leftover, target, StandardCopyOption.ATOMIC_MOVE);
                forceDirectory(target.getParent());
                restored++;
            }
        }
        return restored;
    }

    private static String hashOf(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return Sha256.hexOf(channel, channel.size(), RESTORE_BUFFER);
        }
    }

    @Override
    public int sweepTemporaryFiles() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(temporary)) {
            for (Path leftover : leftovers) {
                if (Files.deleteIfExists(leftover)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * Deletes the temporary files of process {@code pid}, which must be dead (a worker process whose uploads can
     * never finish); returns how many there were.
     */
    public int sweepTemporaryFilesOf(long pid) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(temporary, pid + "-*" + TEMPORARY_SUFFIX)) {
            for (Path leftover : leftovers) {
                if (Files.deleteIfExists(leftover)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /** How many temporary files exist now; for tests and status. */
    public long temporaryFileCount() throws IOException {
        try (Stream<Path> files = Files.list(temporary)) {
            return files.count();
        }
    }

    /** {@code root/ab/cd/abcd…}: built from a validated hex digest only. */
    Path pathOf(String sha256) {
        return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    /**
     * Creates the fan-out directories of {@code blobFile} if missing, forcing each new directory's parent so that the
     * directory entries survive a crash together with the blob renamed into them.
     */
    void createParents(Path blobFile, boolean force) throws IOException {
        Path second = blobFile.getParent();
        if (knownParents.contains(second)) {
            return;
        }
        Path first = second.getParent();
        if (!Files.isDirectory(first)) {
            Files.createDirectories(first);
            if (force) {
                forceDirectory(root);
            }
        }
        if (!Files.isDirectory(second)) {
            Files.createDirectories(second);
            if (force) {
                forceDirectory(first);
            }
        }
        knownParents.add(second);
    }

    /** Forgets that the fan-out directories of {@code blobFile} exist: a rename into them found them gone. */
    void forgetParents(Path blobFile) {
        knownParents.remove(blobFile.getParent());
    }

    /**
     * {@code syncfs} of the file system under {@code DATA/blobs}: everything written and renamed there reaches the
     * disk, in one journal commit. Off the carrier: it waits for the disk inside a native call.
     */
    @Override
    public void syncAll() throws IOException {
        OffCarrier.run(() -> Libc.syncFileSystem(root));
    }

    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
