package netdisk.server.storage;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Users and each user's tree of directories and files.
 *
 * <p>Paths are lists of {@link Name}s resolved from the user's root inside the metadata, never strings handed to the
 * file system; the empty list is the root. Each user sees only their own nodes: an operation given another user's
 * node, or mixing two users' nodes, fails with {@code NOT_FOUND}.
 *
 * <p>Every change is one transaction. Changes that drop blob references return the blobs whose reference count
 * reached zero ({@link Change#orphanedBlobs()}); see {@link BlobStore} for the ordering that keeps blobs and metadata
 * consistent across crashes.
 */
public interface MetadataStore extends AutoCloseable {

    /** A new user with an empty root directory. Refused (ALREADY_EXISTS) if the name is taken. */
    User createUser(Name name, String passwordHash, OptionalLong quotaBytes) throws MetadataException;

    Optional<User> findUser(Name name) throws MetadataException;

    /** Every user, by name. */
    List<User> listUsers() throws MetadataException;

    /**
     * Replaces the user's password hash and, in the same transaction, revokes every login token of the user (a
     * password change is what a user does when a device or a password was lost); the user as now stored. NOT_FOUND if
     * the user is gone.
     */
    User setPasswordHash(User user, String passwordHash) throws MetadataException;

    /**
     * Sets the user's quota, or removes it ({@code quotaBytes} empty); the user as now stored. NOT_FOUND if the user
     * is gone. A quota below the current usage is allowed: nothing is deleted, the user only cannot grow until under
     * it again.
     */
    User setQuota(User user, OptionalLong quotaBytes) throws MetadataException;

    /** Deletes a user and their whole tree. */
    Change<User> deleteUser(User user) throws MetadataException;

    /** The user's root directory. */
    Node root(User user) throws MetadataException;

    /**
     * Creates the directory {@code path}. With {@code parents}, missing directories on the way are created and an
     * existing directory at {@code path} is fine (like {@code mkdir -p}); without, the parent must exist and the name
     * must be free.
     */
    Node mkdir(User user, List<Name> path, boolean parents) throws MetadataException;

    /** The entries of a directory, by name. */
    List<Node> list(Node directory) throws MetadataException;

    /** The node at {@code path}, if there is one. */
    Optional<Node> lookup(User user, List<Name> path) throws MetadataException;

    /** The entry {@code name} of {@code directory} (a node read before), if there is one. */
    Optional<Node> child(Node directory, Name name) throws MetadataException;

    /**
     * Puts a committed blob into {@code directory} as file {@code name}, replacing a file of that name (never a
     * directory). The blob's reference count goes up; a replaced file's blob's goes down, and is orphaned at zero.
     * Refused (QUOTA_EXCEEDED) if it would take the owner's {@link #usage} over their quota; see
     * {@link #remainingQuota}.
     */
    Change<Node> addFile(Node directory, Name name, BlobId blob) throws MetadataException;

    /** One file of {@link #addFiles}. */
    record NewFile(Node directory, Name name, BlobId blob) {
    }

    /** What became of one file of {@link #addFiles}: added (with what it orphaned), or refused. */
    record Added(Optional<Change<Node>> change, Optional<MetadataException> refusal) {
    }

    /**
     * {@link #addFile} for many files, of one owner or several, in one transaction (one commit, one sync, for batches
     * of small uploads): each is added or refused on its own (a name that is a directory, the quota), in order, so one
     * refusal does not stop the others. A database failure fails them all (thrown).
     */
    List<Added> addFiles(List<NewFile> files) throws MetadataException;

    /** Moves (and renames) {@code source} into {@code targetDirectory}; a directory cannot go into itself. */
    Node move(Node source, Node targetDirectory, Name newName) throws MetadataException;

    /**
     * Copies a file: a new node sharing the same blob (reference count + 1), nothing copied on disk. It counts against
     * the quota like any file: refused (QUOTA_EXCEEDED) if it would take the owner over it.
     */
    Node copy(Node file, Node targetDirectory, Name newName) throws MetadataException;

    /**
     * Deletes a file, or a directory ({@code recursive} for a non-empty one). The value is how many nodes went.
     */
    Change<Integer> delete(Node node, boolean recursive) throws MetadataException;

    /** The bytes in the user's files (each file counted, even if its blob is shared). */
    long usage(User user) throws MetadataException;

    /** How many files the user has. */
    long fileCount(User user) throws MetadataException;

    /**
     * How many more bytes the user may store: empty without a quota, 0 at or over it. Read afresh, since the quota
     * may have changed since {@code user} was read. A file of {@code s} bytes replacing one of {@code r} bytes (0 for
     * a new name) fits exactly when {@code s - r <= remaining}, which is what {@link #addFile} checks in its own
     * transaction; a session asks this first to refuse an upload before its bytes arrive.
     */
    OptionalLong remainingQuota(User user) throws MetadataException;

    /** Whether any file refers to the blob with this hash; for start-up reconciliation with the blob store. */
    boolean isReferenced(String sha256) throws MetadataException;

    /** The blob with this hash, if some file (of any user) refers to it: content that need not be sent again. */
    Optional<BlobId> findBlob(String sha256) throws MetadataException;

    /**
     * Whether some file (of any user) refers to a blob of exactly {@code size} bytes: whether content of that size may
     * be stored already, so that an upload of it must announce its SHA-256 first.
     */
    boolean hasBlobOfSize(long size) throws MetadataException;

    @Override
    void close();
}
