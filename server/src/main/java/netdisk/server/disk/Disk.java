package netdisk.server.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import netdisk.protocol.Entry;
import netdisk.protocol.EntryReply;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ResumeFrom;
import netdisk.protocol.Sha256;
import netdisk.protocol.UsageReply;
import netdisk.server.ByteSizes;
import netdisk.server.storage.BlobHashMismatchException;
import netdisk.server.storage.BlobId;
import netdisk.server.storage.BlobLock;
import netdisk.server.storage.BlobStore;
import netdisk.server.storage.BlobWriter;
import netdisk.server.storage.Change;
import netdisk.server.storage.FileBlobStore;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.MetadataStore;
import netdisk.server.storage.Name;
import netdisk.server.storage.Node;
import netdisk.server.storage.PartialFile;
import netdisk.server.storage.PartialUpload;
import netdisk.server.storage.PartialUploads;
import netdisk.server.storage.SmallBlobCache;
import netdisk.server.storage.UnfinishedUploads;
import netdisk.server.storage.User;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network disk as sessions use it: each user's tree of directories and files, with contents in the blob store.
 * One per worker (shared by its sessions, thread-safe); several workers share one data directory through the
 * database and the {@link BlobLock}.
 *
 * <p>Every operation takes the logged-in {@link User} and resolves paths inside that user's tree only: another
 * user's files cannot even be named. Refusals are {@link DiskException}s carrying the wire error code.
 */
public final class Disk implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Disk.class);
    private static final int PREFIX_BUFFER = 1 << 20;
    /**
     * The largest file whose content {@link #smallContent} gives (and may keep in memory); also the most content a
     * download sends in one write with its header rather than by sendfile.
     */
    public static final int SMALL_CONTENT = 16 * 1024;
    /** The bytes of small files' contents a disk keeps in memory (each worker has one disk). */
    static final long SMALL_CONTENTS_KEPT = 8L << 20;

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final PartialUploads partials;
    private final BlobLock blobLock;
    /** Batches of small files ready to be made visible: see {@link #publishSmall}. */
    private final Queue<SmallBatch> readyBatches = new ConcurrentLinkedQueue<>();
    /** Held by the session publishing the ready batches of small files. */
    private final ReentrantLock publishing = new ReentrantLock();
    private final Path storageRoot;
    /** The file system under {@code storageRoot}, looked up once: the lookup reads {@code /proc/mounts}. */
    private volatile FileStore storage;
    private final SmallBlobCache smallContents = new SmallBlobCache(SMALL_CONTENTS_KEPT, SMALL_CONTENT);

    Disk(MetadataStore metadata, BlobStore blobs, PartialUploads partials, BlobLock blobLock, Path storageRoot) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.partials = Objects.requireNonNull(partials, "partials");
        this.blobLock = Objects.requireNonNull(blobLock, "blobLock");
        this.storageRoot = Objects.requireNonNull(storageRoot, "storageRoot");
    }

    /**
     * The disk of data directory {@code dataDir}, on a metadata store and unfinished-upload rows the caller opened
     * (and closes, both on the same database) and the data directory's blob store; takes {@code dataDir/blobs.lock}.
     */
    public static Disk open(MetadataStore metadata, UnfinishedUploads unfinished, FileBlobStore blobs, Path dataDir)
            throws IOException {
        return new Disk(metadata, blobs, new PartialUploads(unfinished, blobs.partials()), BlobLock.open(dataDir),
                blobs.root());
    }

    /** The entries of the directory at {@code path}, by name; a file is listed as itself. */
    public List<Entry> list(User user, DiskPath path) throws DiskException {
        Node node = existing(user, path);
        if (node.isFile()) {
            return List.of(entry(node));
        }
        List<Entry> entries = new ArrayList<>();
        for (Node child : call(() -> metadata.list(node))) {
            entries.add(entry(child));
        }
        return entries;
    }

    public EntryReply stat(User user, DiskPath path) throws DiskException {
        return new EntryReply(path.toString(), entry(existing(user, path)));
    }

    public EntryReply mkdir(User user, DiskPath path, boolean parents) throws DiskException {
        if (path.isRoot()) {
            if (parents) {
                return stat(user, path);
            }
            throw new DiskException(ErrorCode.ALREADY_EXISTS, "/ exists");
        }
        if (!parents) {
            Node parent = existing(user, path.parent());
            if (!parent.isDirectory()) {
                throw new DiskException(ErrorCode.NOT_A_DIRECTORY, path.parent() + " is not a directory");
            }
        }
        try {
            return new EntryReply(path.toString(), entry(metadata.mkdir(user, path.names(), parents)));
        } catch (MetadataException e) {
            throw about(path, e);
        }
    }

    /** Deletes a file or directory; returns how many entries went. */
    public long remove(User user, DiskPath path, boolean recursive) throws DiskException {
        if (path.isRoot()) {
            throw new DiskException(ErrorCode.INVALID_OPERATION, "the root directory cannot be removed");
        }
        Node node = existing(user, path);
        Change<Integer> change;
        try {
            change = metadata.delete(node, recursive);
        } catch (MetadataException e) {
            throw about(path, e);
        }
        deleteOrphans(change.orphanedBlobs());
        return change.value();
    }

    public EntryReply move(User user, DiskPath source, DiskPath target) throws DiskException {
        Node moving = existing(user, source);
        Placement placement = place(user, source, target);
        try {
            Node moved = metadata.move(moving, placement.directory(), placement.path().name());
            return new EntryReply(placement.path().toString(), entry(moved));
        } catch (MetadataException e) {
            throw about(source, e);
        }
    }

    /** Copies a file: the copy shares the original's blob, nothing is copied on disk. */
    public EntryReply copy(User user, DiskPath source, DiskPath target) throws DiskException {
        Node original = existing(user, source);
        if (original.isDirectory()) {
            throw new DiskException(ErrorCode.IS_A_DIRECTORY, source + " is a directory: cp copies files");
        }
        Placement placement = place(user, source, target);
        try {
            Node copy = metadata.copy(original, placement.directory(), placement.path().name());
            return new EntryReply(placement.path().toString(), entry(copy));
        } catch (MetadataException e) {
            throw about(source, e);
        }
    }

    public UsageReply usage(User user) throws DiskException {
        User current = currentUser(user);
        long used = call(() -> metadata.usage(current));
        long files = call(() -> metadata.fileCount(current));
        return new UsageReply(used, files, current.quotaBytes().orElse(UsageReply.NO_QUOTA), freeSpace());
    }

    /** A file to send: its node and an open channel on its blob, which the caller closes. */
    public record Download(Node node, FileChannel content) {

        /**
         * The SHA-256 of the content's first {@code length} bytes, read by position, in lower-case hex: what a client
         * resuming a download must hold ({@code GetFrom}).
         *
         * @throws IOException if the blob cannot be read or ends before {@code length} bytes
         */
        public String prefixSha256(long length) throws IOException {
            return Sha256.hexOf(content, length, PREFIX_BUFFER);
        }
    }

    public Download openForDownload(User user, DiskPath path) throws DiskException {
        Node node = fileForDownload(user, path);
        return new Download(node, openContent(user, path, node));
    }

    /** Opens the content of {@code file}, a file of {@code user} at {@code path} (from {@link #fileForDownload}). */
    public FileChannel openContent(User user, DiskPath path, Node file) throws DiskException {
        BlobId blob = file.blob().orElseThrow(() -> new IllegalArgumentException(path + " is a directory"));
        try {
            return blobs.open(blob);
        } catch (IOException e) {
            throw unreadable(user, path, blob, e);
        }
    }

    /** The file at {@code path}, to be downloaded: refused if there is none or it is a directory. */
    public Node fileForDownload(User user, DiskPath path) throws DiskException {
        Node node = existing(user, path);
        if (node.isDirectory()) {
            throw new DiskException(ErrorCode.IS_A_DIRECTORY, path + " is a directory");
        }
        return node;
    }

    /**
     * The whole content of {@code file}, a file of {@code user} of at most {@value #SMALL_CONTENT} bytes (from
     * {@link #fileForDownload}), read-only: kept in this worker's {@link SmallBlobCache} of
     * {@value #SMALL_CONTENTS_KEPT} bytes, or read from its blob and kept there.
     *
     * @throws IllegalArgumentException if the file is larger than {@value #SMALL_CONTENT} bytes or a directory
     */
    public ByteBuffer smallContent(User user, DiskPath path, Node file) throws DiskException {
        BlobId blob = file.blob().orElseThrow(() -> new IllegalArgumentException(path + " is a directory"));
        if (blob.size() > SMALL_CONTENT) {
            throw new IllegalArgumentException(path + " has " + blob.size() + " bytes, more than " + SMALL_CONTENT);
        }
        byte[] content = smallContents.get(blob);
        if (content == null) {
            ByteBuffer read = ByteBuffer.allocate((int) blob.size());
            try (FileChannel channel = openContent(user, path, file)) {
                while (read.hasRemaining() && channel.read(read) >= 0) {
                    // until the buffer is full or the blob ends
                }
            } catch (IOException e) {
                throw unreadable(user, path, blob, e);
            }
            if (read.hasRemaining()) {
                log.error("{} of user {} refers to blob {} which holds {} of its {} bytes", path, user.name(),
                        blob.sha256(), read.position(), blob.size());
                throw new DiskException(ErrorCode.STORAGE_ERROR,
                        path + " is shorter than its " + blob.size() + " bytes");
            }
            content = read.array();
            smallContents.put(blob, content);
        }
        return ByteBuffer.wrap(content).asReadOnlyBuffer();
    }

    private static DiskException unreadable(User user, DiskPath path, BlobId blob, IOException e) {
        log.error("{} of user {} refers to blob {} which cannot be read: {}", path, user.name(), blob.sha256(),
                e.toString());
        return new DiskException(ErrorCode.STORAGE_ERROR, "cannot read " + path + ": " + e.getMessage(), e);
    }

    /**
     * Checks that {@code size} bytes may be stored as {@code path} (the directory exists, no directory is in the way,
     * the quota and the server's free space allow it) and opens a blob writer for them. Nothing is visible until
     * {@link Upload#commit()}.
     */
    public Upload beginUpload(User user, DiskPath path, long size) throws DiskException {
        return newUpload(user, checkNewUpload(user, path, size), path, size);
    }

    /**
     * Checks that {@code size} bytes may be stored as {@code path}, as {@link #beginUpload} does, without opening
     * anything: a refusal that comes before the client is asked for anything else.
     */
    public void checkUpload(User user, DiskPath path, long size) throws DiskException {
        checkNewUpload(user, path, size);
    }

    /**
     * Whether content of {@code size} bytes may be stored already, because some file refers to a blob of that size: an
     * upload of it must then announce its SHA-256 first, so that it can be instant.
     */
    public boolean mayStoreContentOfSize(long size) throws DiskException {
        return call(() -> metadata.hasBlobOfSize(size));
    }

    /**
     * Like {@link #beginUpload}, for an upload that can be resumed: one of {@code size} bytes with SHA-256
     * {@code sha256} (empty for a streamed upload, whose SHA-256 follows its content), from a client that understands
     * a resume offer (protocol 1.3). If the same user's upload of the same path, size and SHA-256 (or, streamed, of
     * the same path and size) broke off earlier and {@link PartialUploads#MIN_KEPT} bytes or more of it were kept,
     * {@code offer} asks the client whether it has the same first bytes: the upload resumes after them only if the
     * client answers with their offset and their SHA-256; otherwise what was kept is dropped and the upload starts at
     * byte 0 ({@link Upload#offset()}). Either way, if this upload breaks off too, what it holds can be kept
     * ({@link Upload#keepForResume()}). Content smaller than {@code MIN_KEPT}, and a second upload of the same key
     * while one runs, make an ordinary upload.
     *
     * @throws DiskException refused as {@link #beginUpload} refuses, or the kept upload could not be read
     * @throws IOException what {@code offer} threw: the client broke the exchange (the kept upload is left as it was)
     */
    public Upload beginResumableUpload(User user, DiskPath path, long size, String sha256, ResumeOffer offer)
            throws DiskException, IOException {
        Node directory = checkNewUpload(user, path, size);
        if (size < PartialUploads.MIN_KEPT) {
            return newUpload(user, directory, path, size);
        }
        Optional<PartialUpload> claimed;
        try {
            claimed = partials.claim(new UnfinishedUploads.Key(user.id(), path.toString(), size, sha256));
        } catch (MetadataException e) {
            throw DiskException.of(e);
        } catch (IOException e) {
            throw new DiskException(ErrorCode.STORAGE_ERROR, "cannot store " + path + ": " + e.getMessage(), e);
        }
        if (claimed.isEmpty()) {
            log.info("{} of user {} is being uploaded already: this upload of it is not kept if it breaks off", path,
                    user.name());
            return newUpload(user, directory, path, size);
        }
        PartialUpload partial = claimed.get();
        try {
            PartialFile file = partial.file();
            MessageDigest digest = agreeOnPrefix(file, size, offer);
            long offset = file.size();
            if (offset > 0) {
                log.info("{} of user {}: resuming after {} bytes kept from an earlier upload", path, user.name(),
                        offset);
            }
            return new Upload(this, user, directory, path, size, blobs.resume(file, digest), partial, offset);
        } catch (ResumeRefusedException e) {
            partial.close();
            throw e.getCause();
        } catch (IOException e) {
            partial.close();
            throw new DiskException(ErrorCode.STORAGE_ERROR, "cannot store " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            partial.close();
            throw e;
        }
    }

    /**
     * Whether the bytes of a broken-off upload may be kept for a resume: always without a quota; with one, only while
     * they and the user's other kept uploads, counted at their full announced size, fit in what the quota leaves.
     * Kept uploads are not files and do not count as usage, so this bounds what a user can hold in them (without it,
     * uploads broken off on purpose could fill the disk). When in doubt (the database failed), the bytes are kept.
     */
    boolean mayKeep(User user, PartialUpload partial) {
        try {
            OptionalLong remaining = metadata.remainingQuota(user);
            if (remaining.isEmpty()) {
                return true;
            }
            long held = partial.file().size();
            long others = partials.othersAnnounced(user.id(), partial.file().id());
            if (others + held <= remaining.getAsLong()) {
                return true;
            }
            log.info("unfinished upload {} of user {} not kept: its {} bytes and the {} of the user's other kept"
                    + " uploads do not fit in the {} bytes the quota leaves", partial.file().id(), user.name(), held,
                    others, remaining.getAsLong());
            return false;
        } catch (MetadataException | IOException e) {
            log.warn("unfinished upload {} of user {} kept without checking the quota: {}", partial.file().id(),
                    user.name(), e.getMessage());
            return true;
        }
    }

    /**
     * Offers the bytes {@code file} holds to the client if they are worth it, and empties the file unless the client
     * has the same; returns a digest of what the file then holds.
     *
     * @throws ResumeRefusedException the client broke the exchange; the file is as it was
     */
    private static MessageDigest agreeOnPrefix(PartialFile file, long size, ResumeOffer offer) throws IOException {
        long held = file.size();
        if (held >= PartialUploads.MIN_KEPT && held <= size) {
            MessageDigest digest = file.hash(held);
            String prefix = Sha256.hex(Sha256.copy(digest).digest());
            ResumeFrom answer;
            try {
                answer = offer.offer(held, prefix);
            } catch (IOException e) {
                throw new ResumeRefusedException(e);
            }
            if (answer.offset() == held && answer.prefixSha256().equals(prefix)) {
                return digest;
            }
            log.info("partial upload {} ({} bytes kept): {}; receiving the upload from byte 0", file.id(), held,
                    answer.offset() == 0 ? "the client declined the offer" : "the client's first bytes differ");
        }
        if (held > 0) {
            file.truncate();
        }
        return Sha256.newDigest();
    }

    /** The client's failure in a resume offer, told apart from the disk's own I/O failures. */
    private static final class ResumeRefusedException extends IOException {
        ResumeRefusedException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** The checks of a new upload, and the free space; returns the directory. */
    private Node checkNewUpload(User user, DiskPath path, long size) throws DiskException {
        Node directory = checkNewFile(user, path, size);
        long free = freeSpace();
        if (size > free) {
            throw new DiskException(ErrorCode.NO_SPACE, "cannot store " + path + ": it needs " + size
                    + " bytes and the server has " + free + " left");
        }
        return directory;
    }

    private Upload newUpload(User user, Node directory, DiskPath path, long size) throws DiskException {
        try {
            return new Upload(this, user, directory, path, size, blobs.begin());
        } catch (IOException e) {
            throw new DiskException(ErrorCode.STORAGE_ERROR, "cannot store " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that a file of {@code size} bytes may be stored as {@code path} (the directory exists, no directory is in
     * the way, the quota allows it); returns the directory.
     */
    private Node checkNewFile(User user, DiskPath path, long size) throws DiskException {
        if (path.isRoot()) {
            throw new DiskException(ErrorCode.IS_A_DIRECTORY, "/ is a directory");
        }
        Node directory = existing(user, path.parent());
        if (!directory.isDirectory()) {
            throw new DiskException(ErrorCode.NOT_A_DIRECTORY, path.parent() + " is not a directory");
        }
        Optional<Node> existing = call(() -> metadata.lookup(user, path.names()));
        if (existing.isPresent() && existing.get().isDirectory()) {
            throw new DiskException(ErrorCode.IS_A_DIRECTORY, path + " is a directory");
        }
        checkQuota(user, path, size, existing.map(Node::size).orElse(0L));
        return directory;
    }

    /**
     * Content already stored under this hash and size, if any, for an instant upload. Any user's files count: the
     * uploader must still prove they hold the bytes ({@link ContentChallenge}), so a hash alone reveals nothing.
     */
    public Optional<BlobId> storedContent(String sha256, long size) throws DiskException {
        return call(() -> metadata.findBlob(sha256)).filter(blob -> blob.size() == size);
    }

    /** A challenge on stored content: random ranges and a nonce, answerable only with the bytes. */
    public ContentChallenge challenge(BlobId blob) {
        return ContentChallenge.random(blob);
    }

    /** Whether {@code answers} prove possession of the blob's content; false also when the blob has gone. */
    public boolean verify(ContentChallenge challenge, List<String> answers) throws DiskException {
        try (FileChannel content = blobs.open(challenge.blob())) {
            return challenge.isAnsweredBy(answers, content);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new DiskException(ErrorCode.STORAGE_ERROR, "cannot read stored content: " + e.getMessage(), e);
        }
    }

    /**
     * Adds the file {@code path} with content that is already stored (an instant upload, after its proof), under the
     * blob lock so that the content cannot be deleted in between; empty if it was deleted before (then the client
     * must send the content after all).
     */
    public Optional<Node> addStoredContent(User user, DiskPath path, BlobId blob) throws DiskException {
        Node directory = checkNewFile(user, path, blob.size());
        Change<Node> change;
        try (BlobLock.Held held = blobLock.lock()) {
            if (!blobs.exists(blob)) {
                return Optional.empty();
            }
            change = metadata.addFile(directory, path.name(), blob);
        } catch (MetadataException e) {
            throw about(path, e);
        } catch (IOException e) {
            throw new DiskException(ErrorCode.STORAGE_ERROR, "cannot store " + path + ": " + e.getMessage(), e);
        }
        deleteOrphans(change.orphanedBlobs());
        return Optional.of(change.value());
    }

    /**
     * From this many files on, a batch of small files is made durable with one sync of the blob store's file system
     * (the contents, before the blob lock) instead of two {@code fsync}s per file (measured on this machine's disk:
     * 0.8 ms per file {@code fsync}, 1.1 ms per directory {@code fsync}, 51 ms to write 200 small files and sync them
     * once); their renames are left to the file system, and put back at start-up if a crash undid them.
     */
    static final int GROUP_SYNC_FROM = 4;

    /** A small file whose whole content came in its request (a pipelined {@code PutInline}). */
    public record SmallFile(DiskPath path, String sha256, byte[] content) {
    }

    /** What became of one {@link SmallFile}: stored (instantly if its content was there), or refused. */
    public record StoredSmall(Optional<Node> node, boolean instant, Optional<DiskException> refusal) {

        public static StoredSmall refused(DiskException refusal) {
            return new StoredSmall(Optional.empty(), false, Optional.of(refusal));
        }
    }

    /**
     * Stores small files of {@code user} whose contents the client sent whole, together: each is checked (its
     * SHA-256, its directory, no directory in the way), its content written to a new blob unless that content is
     * stored already (the bytes themselves prove possession), then, under one hold of the blob lock, the blobs are
     * made visible and the files added in one metadata transaction: one commit for the lot instead of one per file.
     * From {@link #GROUP_SYNC_FROM} files on, the contents are made durable by one file-system sync, outside the lock,
     * instead of an {@code fsync} per file and directory, and always before the transaction that refers to them; the
     * renames are left to the file system (see {@link BlobWriter.Durability#LATER}). Each file is stored or refused on
     * its own; the answers are in order.
     */
    public List<StoredSmall> storeSmall(User user, List<SmallFile> files) throws DiskException {
        List<StoredSmall> results = new ArrayList<>(Collections.nCopies(files.size(), null));
        List<Pending> pending = new ArrayList<>();
        Map<DiskPath, Object> directories = new HashMap<>();
        long total = files.stream().mapToLong(file -> file.content().length).sum();
        if (total > freeSpace()) {
            DiskException full = new DiskException(ErrorCode.NO_SPACE, "cannot store " + files.size()
                    + " files: they need " + total + " bytes and the server has " + freeSpace() + " left");
            return Collections.nCopies(files.size(), StoredSmall.refused(full));
        }
        BlobWriter.Durability durability = files.size() >= GROUP_SYNC_FROM
                ? BlobWriter.Durability.LATER : BlobWriter.Durability.NOW;
        try {
            for (int i = 0; i < files.size(); i++) {
                SmallFile file = files.get(i);
                try {
                    pending.add(prepare(user, i, file, directories, durability));
                } catch (DiskException e) {
                    results.set(i, StoredSmall.refused(e));
                }
            }
            if (durability == BlobWriter.Durability.LATER) {
                syncBlobs(); // the new contents, outside the lock
            }
            publishSmall(new SmallBatch(pending, results, durability));
        } finally {
            for (Pending p : pending) {
                p.abort();
            }
        }
        return results;
    }

    private void syncBlobs() throws DiskException {
        try {
            blobs.syncAll();
        } catch (IOException e) {
            throw new DiskException(ErrorCode.STORAGE_ERROR, "cannot make the files durable: " + e.getMessage(), e);
        }
    }

    /** A small file checked and, if its content is new, written and sealed: ready to be made visible. */
    private static final class Pending {
        final int index;
        final SmallFile file;
        final Node directory;
        final Optional<BlobId> stored;
        BlobWriter writer;
        BlobId blob;

        Pending(int index, SmallFile file, Node directory, Optional<BlobId> stored) {
            this.index = index;
            this.file = file;
            this.directory = directory;
            this.stored = stored;
        }

        void abort() {
            if (writer != null) {
                try {
                    writer.close(); // a no-op once committed
                } catch (IOException e) {
                    log.warn("could not delete the temporary file of {}: {}", file.path(), e.getMessage());
                }
            }
        }
    }

    private Pending prepare(User user, int index, SmallFile file, Map<DiskPath, Object> directories,
            BlobWriter.Durability durability) throws DiskException {
        DiskPath path = file.path();
        if (path.isRoot()) {
            throw new DiskException(ErrorCode.IS_A_DIRECTORY, "/ is a directory");
        }
        Object known = directories.get(path.parent());
        if (known == null) {
            try {
                Node directory = existing(user, path.parent());
                if (!directory.isDirectory()) {
                    throw new DiskException(ErrorCode.NOT_A_DIRECTORY, path.parent() + " is not a directory");
                }
                known = directory;
            } catch (DiskException e) {
                known = e;
            }
            directories.put(path.parent(), known);
        }
        if (known instanceof DiskException refusal) {
            throw refusal;
        }
        long size = file.content().length;
        Pending pending = new Pending(index, file, (Node) known,
                size == 0 ? Optional.empty() : storedContent(file.sha256(), size));
        if (pending.stored.isPresent()) {
            // No blob writer will hash these bytes: the announced hash alone must never add stored content.
            String actual = Sha256.hexOf(file.content());
            if (!actual.equals(file.sha256())) {
                throw mismatch(path, file.sha256(), actual, null);
            }
        } else {
            write(pending, durability); // the blob writer hashes the bytes as it writes them, and seal compares
        }
        return pending;
    }

    /** The refusal of content that does not hash to what the client announced; {@code cause} may be null. */
    private static DiskException mismatch(DiskPath path, String announced, String actual, Throwable cause) {
        return new DiskException(ErrorCode.TRANSFER_FAILED, path + ": the content received does not match the "
                + "SHA-256 the client announced (announced " + announced + ", received " + actual
                + "); nothing was stored", cause);
    }

    /**
     * Writes the file's content to a new blob and seals it (hash checked against the announced one: a mismatch is
     * refused and leaves no file; durable now or later); not visible yet.
     */
    private void write(Pending pending, BlobWriter.Durability durability) throws DiskException {
        try {
            pending.writer = blobs.begin(pending.file.sha256());
            ByteBuffer bytes = ByteBuffer.wrap(pending.file.content());
            while (bytes.hasRemaining()) {
                pending.writer.write(bytes);
            }
            pending.writer.seal(Optional.of(pending.file.sha256()), durability);
        } catch (BlobHashMismatchException e) {
            throw mismatch(pending.file.path(), e.expected(), e.actual(), e); // seal deleted the temporary file
        } catch (IOException e) {
            pending.abort(); // its temporary file too: a refused file is not in the batch that aborts the others
            throw new DiskException(ErrorCode.STORAGE_ERROR, "cannot store " + pending.file.path() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The {@link Pending} files of one {@link #storeSmall}, waiting to be made visible. */
    private static final class SmallBatch {
        final List<Pending> pending;
        final List<StoredSmall> results;
        final BlobWriter.Durability durability;
        /** Set, with {@link #failure} if it failed, by whoever published it, holding {@link #publishing}. */
        boolean published;
        DiskException failure;

        SmallBatch(List<Pending> pending, List<StoredSmall> results, BlobWriter.Durability durability) {
            this.pending = pending;
            this.results = results;
            this.durability = durability;
        }
    }

    /**
     * Makes a batch of small files visible, together with the batches of this worker's other sessions that are ready
     * by the time the blob lock is free (group commit): the batches wait here, one session publishes them all under
     * one hold of the lock and in one metadata transaction, one commit and one sync instead of one per batch.
     */
    private void publishSmall(SmallBatch batch) throws DiskException {
        if (batch.pending.isEmpty()) {
            return;
        }
        readyBatches.add(batch);
        publishing.lock();
        try {
            if (!batch.published) {
                publishReady();
            }
        } finally {
            publishing.unlock();
        }
        if (batch.failure != null) {
            throw batch.failure;
        }
    }

    private static DiskException unexpected(RuntimeException e) {
        log.error("storing small files failed", e);
        return new DiskException(ErrorCode.STORAGE_ERROR, "cannot store files: " + e, e);
    }

    /** How many batches of small files wait to be published: for tests. */
    int batchesWaiting() {
        return readyBatches.size();
    }

    /**
     * Holding {@link #publishing}: takes the blob lock, then every batch ready by then (those that came while the lock
     * was busy too), makes their new blobs visible, checks the stored ones, and adds all their files in one
     * transaction; then sets each batch's results, or its failure.
     */
    private void publishReady() {
        List<SmallBatch> batches = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        List<BlobId> orphans = new ArrayList<>();
        List<MetadataStore.Added> added;
        try {
            try (BlobLock.Held held = blobLock.lock()) {
                for (SmallBatch batch; (batch = readyBatches.poll()) != null; ) {
                    batches.add(batch);
                    pending.addAll(batch.pending);
                }
                boolean syncAgain = false;
                for (SmallBatch batch : batches) {
                    for (Pending p : batch.pending) {
                        if (p.stored.isPresent() && !blobs.exists(p.stored.get())) {
                            write(p, batch.durability); // deleted in between: the bytes are here, store them after all
                            syncAgain |= batch.durability == BlobWriter.Durability.LATER;
                        }
                        p.blob = p.writer != null ? p.writer.commit(Optional.of(p.file.sha256()), batch.durability)
                                : p.stored.orElseThrow();
                    }
                }
                if (syncAgain) {
                    blobs.syncAll(); // contents written since the sync outside the lock
                }
                // The renames are left to the file system: a crash that undoes one after the metadata committed
                // leaves the blob's temporary file, synced and named after it, which start-up puts back
                // (BlobStore.restore).
                added = metadata.addFiles(pending.stream()
                        .map(p -> new MetadataStore.NewFile(p.directory, p.file.path().name(), p.blob)).toList());
            } catch (MetadataException e) {
                throw DiskException.of(e);
            } catch (IOException e) {
                throw new DiskException(ErrorCode.STORAGE_ERROR, "cannot store files: " + e.getMessage(), e);
            }
        } catch (DiskException | RuntimeException e) {
            DiskException failure = e instanceof DiskException refusal ? refusal : unexpected((RuntimeException) e);
            deleteOrphans(pending.stream().filter(p -> p.writer != null && p.blob != null).map(p -> p.blob).toList());
            for (SmallBatch batch : batches) { // each session answers its own copy for its own files
                batch.failure = new DiskException(failure.code(), failure.getMessage(), failure.getCause());
                batch.published = true;
            }
            return;
        }
        int next = 0;
        for (SmallBatch batch : batches) {
            for (Pending p : batch.pending) {
                MetadataStore.Added outcome = added.get(next++);
                if (outcome.change().isPresent()) {
                    orphans.addAll(outcome.change().get().orphanedBlobs());
                    batch.results.set(p.index, new StoredSmall(Optional.of(outcome.change().get().value()),
                            p.writer == null, Optional.empty()));
                } else {
                    if (p.writer != null) {
                        orphans.add(p.blob); // stored for nothing, unless another file has the same content
                    }
                    batch.results.set(p.index,
                            StoredSmall.refused(about(p.file.path(), outcome.refusal().orElseThrow())));
                }
            }
            batch.published = true;
        }
        deleteOrphans(orphans);
    }

    private void checkQuota(User user, DiskPath path, long size, long replaced) throws DiskException {
        OptionalLong remaining = call(() -> metadata.remainingQuota(user));
        if (remaining.isPresent() && size - replaced > remaining.getAsLong()) {
            User current = currentUser(user);
            throw new DiskException(ErrorCode.QUOTA_EXCEEDED, "cannot store " + path + " (" + ByteSizes.format(size)
                    + "): quota exceeded, " + ByteSizes.format(call(() -> metadata.usage(current))) + " used of "
                    + ByteSizes.format(current.quotaBytes().orElse(0)));
        }
    }

    /**
     * Called by {@link Upload#commit}: checks the content's hash against {@code expectedSha256} if given, then makes
     * the blob visible and the file refer to it, under the blob lock.
     */
    Node publish(User user, Node directory, DiskPath path, BlobWriter writer, Optional<String> expectedSha256)
            throws DiskException, IOException {
        try {
            writer.seal(expectedSha256);
        } catch (BlobHashMismatchException e) {
            throw mismatch(path, expectedSha256.orElseThrow(), e.actual(), e);
        }
        DiskException refusal = null;
        Change<Node> change;
        BlobId blob;
        try (BlobLock.Held held = blobLock.lock()) {
            blob = writer.commit(expectedSha256);
            try {
                change = metadata.addFile(directory, path.name(), blob);
            } catch (MetadataException e) {
                change = null;
                refusal = about(path, e);
            }
        }
        if (change == null) {
            deleteOrphans(List.of(blob)); // stored for nothing, unless another file has the same content
            throw refusal;
        }
        deleteOrphans(change.orphanedBlobs());
        return change.value();
    }

    /** Deletes blobs that a committed change left without references (or that an upload could not use). */
    private void deleteOrphans(List<BlobId> orphans) {
        for (BlobId blob : orphans) {
            try {
                blobLock.deleteIfUnreferenced(metadata, blobs, blob);
            } catch (IOException | MetadataException e) {
                log.warn("could not delete unreferenced blob {} (the next start-up sweep will): {}", blob.sha256(),
                        e.getMessage());
            }
        }
    }

    /** The user as stored now (the quota may have changed since the login). */
    private User currentUser(User user) throws DiskException {
        return call(() -> metadata.findUser(Name.of(user.name())))
                .orElseThrow(() -> new DiskException(ErrorCode.NOT_FOUND, "user " + user.name() + " no longer exists"));
    }

    private long freeSpace() throws DiskException {
        try {
            FileStore store = storage;
            if (store == null) {
                store = Files.getFileStore(storageRoot);
                storage = store;
            }
            return store.getUsableSpace();
        } catch (IOException e) {
            throw new DiskException(ErrorCode.STORAGE_ERROR, "cannot read the free space: " + e.getMessage(), e);
        }
    }

    /** Where a moved or copied entry lands: into {@code target} if it is a directory, else at {@code target}. */
    private record Placement(Node directory, DiskPath path) {
    }

    private Placement place(User user, DiskPath source, DiskPath target) throws DiskException {
        if (source.isRoot()) {
            throw new DiskException(ErrorCode.INVALID_OPERATION, "the root directory cannot be moved or copied");
        }
        Optional<Node> atTarget = call(() -> metadata.lookup(user, target.names()));
        if (atTarget.isPresent() && atTarget.get().isDirectory()) {
            return new Placement(atTarget.get(), target.resolve(source.name()));
        }
        if (atTarget.isPresent()) {
            throw new DiskException(ErrorCode.ALREADY_EXISTS, target + " exists");
        }
        Node directory = existing(user, target.parent());
        if (!directory.isDirectory()) {
            throw new DiskException(ErrorCode.NOT_A_DIRECTORY, target.parent() + " is not a directory");
        }
        return new Placement(directory, target);
    }

    private Node existing(User user, DiskPath path) throws DiskException {
        return call(() -> metadata.lookup(user, path.names()))
                .orElseThrow(() -> new DiskException(ErrorCode.NOT_FOUND, path + ": no such file or directory"));
    }

    static Entry entry(Node node) {
        return new Entry(node.name(), node.isDirectory() ? Entry.DIRECTORY : Entry.FILE, node.size(),
                node.modifiedAt().toEpochMilli(), node.blob().map(BlobId::sha256).orElse(""));
    }

    /** The store's refusal, told about the path the client named (the store knows only node names). */
    private static DiskException about(DiskPath path, MetadataException e) {
        DiskException refused = DiskException.of(e);
        String what = switch (e.reason()) {
            case NOT_FOUND -> "no such file or directory";
            case ALREADY_EXISTS -> "already exists";
            case NOT_A_DIRECTORY -> "not a directory";
            case IS_A_DIRECTORY -> "is a directory";
            case NOT_EMPTY -> "directory not empty (remove it recursively)";
            case INVALID_OPERATION, QUOTA_EXCEEDED, STORAGE_ERROR -> e.getMessage();
        };
        return new DiskException(refused.code(), path + ": " + what, e);
    }

    private interface MetadataCall<T> {
        T call() throws MetadataException;
    }

    private static <T> T call(MetadataCall<T> call) throws DiskException {
        try {
            return call.call();
        } catch (MetadataException e) {
            throw DiskException.of(e);
        }
    }

    /** Releases the blob lock's file; the metadata store is the caller's. */
    @Override
    public void close() throws IOException {
        blobLock.close();
    }
}
