package netdisk.server.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import netdisk.server.ByteSizes;
import netdisk.server.OffCarrier;
import netdisk.server.storage.MetadataException.Reason;

/**
 * The {@link MetadataStore} on JDBC: SQLite by default ({@link #openSqlite}), any database the migrations support
 * through {@link #create}. Every statement is a prepared statement; every change runs in one transaction
 * ({@link #write}), and checks inside it that the nodes it was given still exist, belong to the same user, and are
 * of the right kind, because a {@link Node} is only a snapshot.
 *
 * <p>Those checks only hold if no other change gets in between them and the commit. SQLite sees to it by having one
 * writer at a time ({@code BEGIN IMMEDIATE}, see {@link MetadataDatabase}). PostgreSQL runs writers side by side, each
 * statement seeing what was committed when it started (READ COMMITTED), so the store does it with row locks, taken
 * first, in the same order by every change:
 * <ol>
 *   <li>the owner's {@code users} row ({@link #lockOwner}), first thing in every change of a user's tree: changes of
 *       one user then run one after the other, as on SQLite, and each sees everything the one before committed. Two
 *       crossed moves can no longer make a cycle, two {@code mkdir -p} of one path both get the one directory, two
 *       uploads under one name replace each other, two uploads cannot share the same quota headroom;</li>
 *   <li>the {@code blobs} rows the change will count up or down, in hash order ({@link #lockBlobs}): users share
 *       blobs, so changes of different users meet there, and taking those rows in one order keeps them from
 *       deadlocking, and keeps a reference count from changing between reading it and writing it.</li>
 * </ol>
 * On SQLite, whose writers exclude each other anyway, the owner's lock changes nothing and costs one row update, and
 * the blobs are not locked. What the locks cannot order (a blob row that a concurrent change creates after this one
 * looked) PostgreSQL may still resolve by aborting a transaction as a deadlock or serialization failure;
 * {@link #write} then runs the whole change again, up to {@value #WRITE_ATTEMPTS} times.
 *
 * <p>A user's usage is a counter in their row ({@link UsageCounter}), moved by every change that adds, replaces,
 * copies or removes files, in its transaction, while it holds that row: a quota check reads one row, however many
 * files the user has.
 */
public final class JdbcMetadataStore implements MetadataStore {

    private static final String NODE_COLUMNS =
            "id, owner_id, parent_id, name, kind, size, blob_sha256, created_at, modified_at";
    private static final String USER_COLUMNS = "id, name, password_hash, quota_bytes, created_at";

    /** How many times {@link #write} runs a change that the database aborted as a deadlock or serialization failure. */
    static final int WRITE_ATTEMPTS = 5;

    private final DataSource dataSource;
    private final AutoCloseable owned;
    private final Clock clock;
    private final ReusedStatements statements = new ReusedStatements();
    /**
     * Whether changes lock the {@code blobs} rows they count ({@link #lockBlobs}): not on SQLite. Asked of the first
     * connection, then known.
     */
    private volatile Boolean rowLocks;

    private JdbcMetadataStore(DataSource dataSource, AutoCloseable owned, Clock clock) {
        this.dataSource = dataSource;
        this.owned = owned;
        this.clock = clock;
    }

    /** The store in {@code dataDir/metadata.db}, created and migrated as needed; closing it closes the pool. */
    public static JdbcMetadataStore openSqlite(Path dataDir) throws MetadataException {
        var dataSource = MetadataDatabase.openSqlite(dataDir);
        return new JdbcMetadataStore(dataSource, dataSource, Clock.systemUTC());
    }

    /** A store on an already migrated {@code dataSource}, which the caller keeps and closes. */
    public static JdbcMetadataStore create(DataSource dataSource, Clock clock) {
        return new JdbcMetadataStore(Objects.requireNonNull(dataSource, "dataSource"), () -> { },
                Objects.requireNonNull(clock, "clock"));
    }

    // ---- users

    @Override
    public User createUser(Name name, String passwordHash, OptionalLong quotaBytes) throws MetadataException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(passwordHash, "passwordHash");
        requireQuota(quotaBytes);
        return write(connection -> {
            if (findUser(connection, name).isPresent()) {
                throw new MetadataException(Reason.ALREADY_EXISTS, "user " + name + " exists");
            }
            long now = now();
            long id;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO users (name, password_hash, quota_bytes, created_at) VALUES (?, ?, ?, ?) RETURNING id")) {
                insert.setString(1, name.value());
                insert.setString(2, passwordHash);
                bindQuota(insert, 3, quotaBytes);
                insert.setLong(4, now);
                id = single(insert);
            }
            try (PreparedStatement root = connection.prepareStatement("INSERT INTO nodes (owner_id, parent_id, name,"
                    + " kind, size, blob_sha256, created_at, modified_at) VALUES (?, NULL, '', 'dir', 0, NULL, ?, ?)")) {
                root.setLong(1, id);
                root.setLong(2, now);
                root.setLong(3, now);
                root.executeUpdate();
            }
            return new User(id, name.value(), passwordHash, quotaBytes, Instant.ofEpochMilli(now));
        });
    }

    @Override
    public Optional<User> findUser(Name name) throws MetadataException {
        Objects.requireNonNull(name, "name");
        return read(connection -> findUser(connection, name));
    }

    @Override
    public List<User> listUsers() throws MetadataException {
        return read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + USER_COLUMNS + " FROM users")) {
                List<User> users = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        users.add(user(rows));
                    }
                }
                users.sort(Comparator.comparing(User::name));
                return users;
            }
        });
    }

    @Override
    public User setPasswordHash(User user, String passwordHash) throws MetadataException {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordHash, "passwordHash");
        return write(connection -> {
            try (PreparedStatement revoke = connection.prepareStatement("DELETE FROM sessions WHERE user_id = ?")) {
                revoke.setLong(1, user.id());
                revoke.executeUpdate();
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE users SET password_hash = ? WHERE id = ? RETURNING " + USER_COLUMNS)) {
                update.setString(1, passwordHash);
                update.setLong(2, user.id());
                return updated(update, user);
            }
        });
    }

    @Override
    public User setQuota(User user, OptionalLong quotaBytes) throws MetadataException {
        Objects.requireNonNull(user, "user");
        requireQuota(quotaBytes);
        return write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE users SET quota_bytes = ? WHERE id = ? RETURNING " + USER_COLUMNS)) {
                bindQuota(update, 1, quotaBytes);
                update.setLong(2, user.id());
                return updated(update, user);
            }
        });
    }

    @Override
    public Change<User> deleteUser(User user) throws MetadataException {
        Objects.requireNonNull(user, "user");
        return write(connection -> {
            lockOwner(connection, user.id());
            Node root = root(connection, user.id());
            Removal removal = deleteSubtree(connection, root);
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM users WHERE id = ?")) {
                delete.setLong(1, user.id());
                delete.executeUpdate();
            }
            return new Change<>(user, removal.orphans());
        });
    }

    // ---- tree

    @Override
    public Node root(User user) throws MetadataException {
        Objects.requireNonNull(user, "user");
        return read(connection -> root(connection, user.id()));
    }

    @Override
    public Node mkdir(User user, List<Name> path, boolean parents) throws MetadataException {
        Objects.requireNonNull(user, "user");
        List<Name> names = List.copyOf(path);
        return write(connection -> {
            lockOwner(connection, user.id());
            Node current = root(connection, user.id());
            if (names.isEmpty() && !parents) {
                throw new MetadataException(Reason.ALREADY_EXISTS, "the root directory exists");
            }
            for (int i = 0; i < names.size(); i++) {
                boolean last = i == names.size() - 1;
                Optional<Node> child = child(connection, current, names.get(i));
                if (child.isPresent()) {
                    if (last && !parents) {
                        throw new MetadataException(Reason.ALREADY_EXISTS, display(names) + " exists");
                    }
                    if (!child.get().isDirectory()) {
                        throw new MetadataException(Reason.NOT_A_DIRECTORY,
                                display(names.subList(0, i + 1)) + " is not a directory");
                    }
                    current = child.get();
                } else if (last || parents) {
                    current = insertNode(connection, current, names.get(i), Node.Kind.DIRECTORY, 0, null);
                } else {
                    throw new MetadataException(Reason.NOT_FOUND, "no directory " + display(names.subList(0, i + 1)));
                }
            }
            return current;
        });
    }

    @Override
    public List<Node> list(Node directory) throws MetadataException {
        Objects.requireNonNull(directory, "directory");
        return read(connection -> {
            Node current = directory(connection, directory);
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + NODE_COLUMNS + " FROM nodes WHERE owner_id = ? AND parent_id = ?")) {
                select.setLong(1, current.ownerId());
                select.setLong(2, current.id());
                List<Node> children = nodes(select);
                children.sort(Comparator.comparing(Node::name));
                return children;
            }
        });
    }

    @Override
    public Optional<Node> lookup(User user, List<Name> path) throws MetadataException {
        Objects.requireNonNull(user, "user");
        List<Name> names = List.copyOf(path);
        return read(connection -> {
            Node current = root(connection, user.id());
            for (Name name : names) {
                if (!current.isDirectory()) {
                    return Optional.empty();
                }
                Optional<Node> child = child(connection, current, name);
                if (child.isEmpty()) {
                    return Optional.empty();
                }
                current = child.get();
            }
            return Optional.of(current);
        });
    }

    @Override
    public Optional<Node> child(Node directory, Name name) throws MetadataException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(name, "name");
        return read(connection -> child(connection, directory, name));
    }

    @Override
    public Change<Node> addFile(Node directory, Name name, BlobId blob) throws MetadataException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(blob, "blob");
        return write(connection -> {
            var additions = new Additions(connection, directory.ownerId());
            Change<Node> added = additions.add(directory, name, blob);
            additions.finish();
            return added;
        });
    }

    @Override
    public List<Added> addFiles(List<NewFile> files) throws MetadataException {
        Objects.requireNonNull(files, "files");
        if (files.isEmpty()) {
            return List.of();
        }
        return write(connection -> {
            // The owners' rows locked in the order of their ids, so that two transactions adding files of the same
            // owners cannot each hold one row and wait for the other's (PostgreSQL; SQLite has one writer anyway).
            Map<Long, Additions> owners = new TreeMap<>();
            for (NewFile file : files) {
                owners.putIfAbsent(file.directory().ownerId(), null);
            }
            for (Map.Entry<Long, Additions> owner : owners.entrySet()) {
                owner.setValue(new Additions(connection, owner.getKey()));
            }
            List<Added> added = new ArrayList<>(files.size());
            for (NewFile file : files) {
                Additions additions = owners.get(file.directory().ownerId());
                try {
                    added.add(new Added(Optional.of(additions.add(file.directory(), file.name(), file.blob())),
                            Optional.empty()));
                } catch (MetadataException e) {
                    added.add(new Added(Optional.empty(), Optional.of(e))); // refused before it wrote anything
                }
            }
            for (Additions additions : owners.values()) {
                additions.finish();
            }
            return added;
        });
    }

    /**
     * The files that one transaction adds ({@link #addFile}, {@link #addFiles}), with what they share read and written
     * once for all of them instead of once per file: each directory's row (read for its first file: the transaction
     * holds the owner's row, and adding files changes no directory), the owner's usage (read at the first quota check,
     * then kept here) and its new value, and each directory's modification time. A batch of small files took 7
     * statements per file; it now takes 4, plus these few.
     */
    private final class Additions {

        private final Connection connection;
        /** Empty if there is no such user: then every file is refused before it writes anything. */
        private final Optional<Owner> owner;
        private final Map<Long, Node> directories = new HashMap<>();
        /** Directory id to the time of the last file added into it. */
        private final Map<Long, Long> touched = new LinkedHashMap<>();
        /** The usage as stored before this transaction; read for the first quota check, null until then. */
        private Long usedBefore;
        /** How the files added so far moved the usage. */
        private long usageDelta;

        /** Locks the owner's row ({@link #lockOwner}): the first thing in the transaction. */
        Additions(Connection connection, long ownerId) throws SQLException {
            this.connection = connection;
            this.owner = lockOwner(connection, ownerId);
        }

        /**
         * Adds file {@code name} into {@code directory}, replacing a file of that name; refused before it writes
         * anything if the name is a directory's, the quota would be exceeded, or the blob is recorded with another
         * size.
         */
        Change<Node> add(Node directory, Name name, BlobId blob) throws SQLException, MetadataException {
            Node parent = directory(directory);
            Optional<Node> existing = child(connection, parent, name);
            if (existing.isPresent() && existing.get().isDirectory()) {
                throw new MetadataException(Reason.IS_A_DIRECTORY, name + " is a directory");
            }
            List<String> counted = new ArrayList<>(List.of(blob.sha256()));
            existing.flatMap(Node::blob).ifPresent(old -> counted.add(old.sha256()));
            lockBlobs(connection, counted);
            long replacedBytes = existing.map(Node::size).orElse(0L);
            checkQuota(blob.size(), replacedBytes);
            retain(connection, blob);
            usageDelta += blob.size() - replacedBytes;
            long now = now();
            touched.put(parent.id(), now);
            if (existing.isEmpty()) {
                return new Change<>(insertRow(connection, parent, name, Node.Kind.FILE, blob.size(), blob, now),
                        List.of());
            }
            Node old = existing.get();
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE nodes SET size = ?, blob_sha256 = ?, modified_at = ? WHERE id = ?")) {
                update.setLong(1, blob.size());
                update.setString(2, blob.sha256());
                update.setLong(3, now);
                update.setLong(4, old.id());
                update.executeUpdate();
            }
            List<BlobId> orphans = release(connection, Map.of(old.blob().orElseThrow().sha256(), 1L));
            return new Change<>(node(connection, old.id(), old.ownerId()).orElseThrow(), orphans);
        }

        /** Writes what the files share: the owner's usage and their directories' modification times. */
        void finish() throws SQLException {
            if (owner.isPresent()) {
                UsageCounter.add(connection, owner.get().id(), usageDelta);
            }
            for (Map.Entry<Long, Long> directory : touched.entrySet()) {
                touch(connection, directory.getKey(), directory.getValue());
            }
        }

        private Node directory(Node snapshot) throws SQLException, MetadataException {
            Node known = directories.get(snapshot.id());
            if (known == null || known.ownerId() != snapshot.ownerId()) {
                known = JdbcMetadataStore.directory(connection, snapshot);
                directories.put(known.id(), known);
            }
            return known;
        }

        private void checkQuota(long adding, long removing) throws SQLException, MetadataException {
            Owner payer = owner.orElseThrow(JdbcMetadataStore::noSuchUser);
            if (payer.quota().isEmpty() || adding <= removing) {
                return;
            }
            if (usedBefore == null) {
                usedBefore = UsageCounter.read(connection, payer.id()).orElseThrow(JdbcMetadataStore::noSuchUser)
                        .usedBytes();
            }
            JdbcMetadataStore.checkQuota(payer.quota().getAsLong(), usedBefore + usageDelta, adding, removing);
        }
    }

    @Override
    public Node move(Node source, Node targetDirectory, Name newName) throws MetadataException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(targetDirectory, "targetDirectory");
        Objects.requireNonNull(newName, "newName");
        return write(connection -> {
            lockOwner(connection, source.ownerId());
            Node moving = existing(connection, source);
            if (moving.isRoot()) {
                throw new MetadataException(Reason.INVALID_OPERATION, "the root directory cannot be moved");
            }
            Node target = directory(connection, targetDirectory);
            if (target.ownerId() != moving.ownerId()) {
                throw new MetadataException(Reason.NOT_FOUND, "no such directory");
            }
            if (moving.isDirectory() && isAncestorOrSelf(connection, moving.id(), target.id())) {
                throw new MetadataException(Reason.INVALID_OPERATION,
                        "cannot move directory " + moving.name() + " into itself");
            }
            Optional<Node> clash = child(connection, target, newName);
            if (clash.isPresent()) {
                if (clash.get().id() == moving.id()) {
                    return moving;
                }
                throw new MetadataException(Reason.ALREADY_EXISTS, newName + " exists");
            }
            long now = now();
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE nodes SET parent_id = ?, name = ? WHERE id = ?")) {
                update.setLong(1, target.id());
                update.setString(2, newName.value());
                update.setLong(3, moving.id());
                update.executeUpdate();
            }
            touch(connection, moving.parentId().getAsLong(), now);
            touch(connection, target.id(), now);
            return node(connection, moving.id(), moving.ownerId()).orElseThrow();
        });
    }

    @Override
    public Node copy(Node file, Node targetDirectory, Name newName) throws MetadataException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(targetDirectory, "targetDirectory");
        Objects.requireNonNull(newName, "newName");
        return write(connection -> {
            Optional<Owner> owner = lockOwner(connection, file.ownerId());
            Node original = existing(connection, file);
            if (original.isDirectory()) {
                throw new MetadataException(Reason.IS_A_DIRECTORY, original.name() + " is a directory");
            }
            Node target = directory(connection, targetDirectory);
            if (target.ownerId() != original.ownerId()) {
                throw new MetadataException(Reason.NOT_FOUND, "no such directory");
            }
            if (child(connection, target, newName).isPresent()) {
                throw new MetadataException(Reason.ALREADY_EXISTS, newName + " exists");
            }
            BlobId blob = original.blob().orElseThrow();
            lockBlobs(connection, List.of(blob.sha256()));
            checkQuota(connection, owner.orElseThrow(JdbcMetadataStore::noSuchUser), blob.size(), 0);
            retain(connection, blob);
            UsageCounter.add(connection, original.ownerId(), blob.size());
            return insertNode(connection, target, newName, Node.Kind.FILE, blob.size(), blob);
        });
    }

    @Override
    public Change<Integer> delete(Node node, boolean recursive) throws MetadataException {
        Objects.requireNonNull(node, "node");
        return write(connection -> {
            lockOwner(connection, node.ownerId());
            Node doomed = existing(connection, node);
            if (doomed.isRoot()) {
                throw new MetadataException(Reason.INVALID_OPERATION, "the root directory cannot be deleted");
            }
            if (doomed.isDirectory() && !recursive && hasChildren(connection, doomed.id())) {
                throw new MetadataException(Reason.NOT_EMPTY, doomed.name() + " is not empty");
            }
            Removal removal = deleteSubtree(connection, doomed);
            touch(connection, doomed.parentId().getAsLong(), now());
            return new Change<>(removal.nodes(), removal.orphans());
        });
    }

    @Override
    public long usage(User user) throws MetadataException {
        Objects.requireNonNull(user, "user");
        return read(connection -> UsageCounter.read(connection, user.id())
                .map(UsageCounter.Reading::usedBytes).orElse(0L));
    }

    @Override
    public long fileCount(User user) throws MetadataException {
        Objects.requireNonNull(user, "user");
        return read(connection -> {
            try (PreparedStatement count = connection.prepareStatement(
                    "SELECT COUNT(*) FROM nodes WHERE owner_id = ? AND kind = 'file'")) {
                count.setLong(1, user.id());
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    @Override
    public OptionalLong remainingQuota(User user) throws MetadataException {
        Objects.requireNonNull(user, "user");
        return read(connection -> {
            UsageCounter.Reading reading = UsageCounter.read(connection, user.id())
                    .orElseThrow(JdbcMetadataStore::noSuchUser);
            if (reading.quotaBytes().isEmpty()) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Math.max(0, reading.quotaBytes().getAsLong() - reading.usedBytes()));
        });
    }

    @Override
    public boolean isReferenced(String sha256) throws MetadataException {
        Objects.requireNonNull(sha256, "sha256");
        return read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT refs FROM blobs WHERE sha256 = ?")) {
                select.setString(1, sha256);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    @Override
    public Optional<BlobId> findBlob(String sha256) throws MetadataException {
        Objects.requireNonNull(sha256, "sha256");
        if (!BlobId.isSha256Hex(sha256)) {
            return Optional.empty();
        }
        return read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT size FROM blobs WHERE sha256 = ?")) {
                select.setString(1, sha256);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(new BlobId(sha256, rows.getLong(1))) : Optional.<BlobId>empty();
                }
            }
        });
    }

    @Override
    public boolean hasBlobOfSize(long size) throws MetadataException {
        return read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM blobs WHERE size = ? LIMIT 1")) {
                select.setLong(1, size);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    @Override
    public void close() {
        try {
            owned.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the metadata database", e);
        }
    }

    // ---- transactions

    /** One step of work on a connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException, MetadataException;
    }

    /** Runs {@code work} in auto-commit mode: no write lock, each statement sees the latest committed state. */
    private <T> T read(Work<T> work) throws MetadataException {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(statements.wrap(connection));
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. A transaction that the
     * database aborted as a deadlock or serialization failure (PostgreSQL does, SQLite never) is rolled back and
     * {@code work} run again in a new one, after a short random pause, up to {@value #WRITE_ATTEMPTS} times in all.
     * Off the carrier: it may wait for the write lock and the commit's sync.
     */
    private <T> T write(Work<T> work) throws MetadataException {
        return OffCarrier.call(() -> writeHere(work));
    }

    private <T> T writeHere(Work<T> work) throws MetadataException {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    T result = work.run(statements.wrap(connection));
                    connection.commit();
                    return result;
                } catch (SQLException | MetadataException | RuntimeException e) {
                    rollback(connection, e);
                    throw e;
                }
            } catch (SQLException e) {
                if (attempt >= WRITE_ATTEMPTS || !isTransient(e)) {
                    throw translate(e);
                }
                pauseBeforeAttempt(attempt + 1, e);
            }
        }
    }

    /** SQLState 40001 (serialization failure) or 40P01 (deadlock detected): nothing was wrong but the timing. */
    private static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    /** Sleeps 1 to 5 * 2^(attempt - 1) ms, so that the transactions that collided do not collide again in step. */
    private static void pauseBeforeAttempt(int attempt, SQLException cause) throws MetadataException {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 1 + (5L << (attempt - 1))));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw translate(cause);
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** A unique-constraint race (possible on PostgreSQL, where checks do not hold a lock) reads as "exists". */
    private static MetadataException translate(SQLException e) {
        String message = String.valueOf(e.getMessage());
        if ("23505".equals(e.getSQLState()) || message.contains("UNIQUE constraint failed")) {
            return new MetadataException(Reason.ALREADY_EXISTS, "name exists");
        }
        return new MetadataException("metadata database error: " + message, e);
    }

    // ---- steps inside a transaction

    private Optional<User> findUser(Connection connection, Name name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + USER_COLUMNS + " FROM users WHERE name = ?")) {
            select.setString(1, name.value());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(user(rows)) : Optional.empty();
            }
        }
    }

    /** The user an {@code UPDATE users ... RETURNING} changed; NOT_FOUND if it matched no row. */
    private static User updated(PreparedStatement update, User user) throws SQLException, MetadataException {
        try (ResultSet rows = update.executeQuery()) {
            if (!rows.next()) {
                throw new MetadataException(Reason.NOT_FOUND, "no such user: " + user.name());
            }
            return user(rows);
        }
    }

    /** A user whose row this transaction has locked, and their quota as it is now. */
    private record Owner(long id, OptionalLong quota) {
    }

    private static MetadataException noSuchUser() {
        return new MetadataException(Reason.NOT_FOUND, "no such user");
    }

    /**
     * Locks the row of user {@code ownerId} (a no-op {@code UPDATE}) and reads their quota with it; empty if there is
     * no such user. First thing in every change of a user's tree: on PostgreSQL a second change of the same user
     * waits here until the first has committed, and every statement it runs after that sees what the first did (see
     * the class comment). SQLite has no {@code SELECT ... FOR UPDATE}; there the update costs one row write in a
     * transaction that already holds the database's write lock.
     */
    private static Optional<Owner> lockOwner(Connection connection, long ownerId) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(
                "UPDATE users SET quota_bytes = quota_bytes WHERE id = ? RETURNING quota_bytes")) {
            lock.setLong(1, ownerId);
            try (ResultSet rows = lock.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                long quota = rows.getLong(1);
                return Optional.of(new Owner(ownerId, rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(quota)));
            }
        }
    }

    /**
     * Locks the {@code blobs} rows of {@code sha256s} that exist, in hash order, before their reference counts are
     * read or changed: two changes that count the same blobs up and down then take them one after the other instead
     * of each holding one row and waiting for the other's. Not on SQLite, whose writers exclude each other anyway:
     * there it was one row update per blob for nothing (a quarter of the statements of a small file's upload).
     */
    private void lockBlobs(Connection connection, Collection<String> sha256s) throws SQLException {
        Boolean locking = rowLocks;
        if (locking == null) {
            locking = !"SQLite".equals(connection.getMetaData().getDatabaseProductName());
            rowLocks = locking;
        }
        if (!locking) {
            return;
        }
        try (PreparedStatement lock = connection.prepareStatement(
                "UPDATE blobs SET refs = refs WHERE sha256 = ?")) {
            for (String sha256 : new TreeSet<>(sha256s)) {
                lock.setString(1, sha256);
                lock.executeUpdate();
            }
        }
    }

    /**
     * Refuses (QUOTA_EXCEEDED) a change that adds a file of {@code adding} bytes, replacing one of {@code removing}
     * bytes, if it would take the owner over their quota. A change that does not grow the usage always passes, so a
     * user whose quota was lowered below their usage can still replace a file with a smaller one.
     *
     * <p>{@code owner} is from {@link #lockOwner}, taken before anything else in this transaction: two concurrent
     * changes of one owner check one after the other and cannot both fit into the same headroom.
     */
    private static void checkQuota(Connection connection, Owner owner, long adding, long removing)
            throws SQLException, MetadataException {
        OptionalLong quota = owner.quota();
        if (quota.isEmpty() || adding <= removing) {
            return;
        }
        long used = UsageCounter.read(connection, owner.id()).orElseThrow(JdbcMetadataStore::noSuchUser).usedBytes();
        checkQuota(quota.getAsLong(), used, adding, removing);
    }

    /** Refuses a file of {@code adding} bytes, replacing {@code removing}, that does not fit into the headroom. */
    private static void checkQuota(long quota, long used, long adding, long removing) throws MetadataException {
        if (adding - removing > quota - used) {
            throw new MetadataException(Reason.QUOTA_EXCEEDED, "quota exceeded: " + ByteSizes.format(used)
                    + " used of " + ByteSizes.format(quota) + ", the file needs "
                    + ByteSizes.format(adding) + (removing > 0
                            ? " (the file it replaces frees " + ByteSizes.format(removing) + ")" : ""));
        }
    }

    private static Node root(Connection connection, long ownerId) throws SQLException, MetadataException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + NODE_COLUMNS + " FROM nodes WHERE owner_id = ? AND parent_id IS NULL")) {
            select.setLong(1, ownerId);
            return nodes(select).stream().findFirst()
                    .orElseThrow(() -> new MetadataException(Reason.NOT_FOUND, "no such user"));
        }
    }

    private static Optional<Node> node(Connection connection, long id, long ownerId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + NODE_COLUMNS + " FROM nodes WHERE id = ? AND owner_id = ?")) {
            select.setLong(1, id);
            select.setLong(2, ownerId);
            return nodes(select).stream().findFirst();
        }
    }

    /** The current state of {@code snapshot}, which must still exist. */
    private static Node existing(Connection connection, Node snapshot) throws SQLException, MetadataException {
        return node(connection, snapshot.id(), snapshot.ownerId())
                .orElseThrow(() -> new MetadataException(Reason.NOT_FOUND, "no such file or directory: "
                        + snapshot.name()));
    }

    /** The current state of {@code snapshot}, which must still exist and be a directory. */
    private static Node directory(Connection connection, Node snapshot) throws SQLException, MetadataException {
        Node current = existing(connection, snapshot);
        if (!current.isDirectory()) {
            throw new MetadataException(Reason.NOT_A_DIRECTORY, current.name() + " is not a directory");
        }
        return current;
    }

    private static Optional<Node> child(Connection connection, Node directory, Name name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + NODE_COLUMNS + " FROM nodes WHERE owner_id = ? AND parent_id = ? AND name = ?")) {
            select.setLong(1, directory.ownerId());
            select.setLong(2, directory.id());
            select.setString(3, name.value());
            return nodes(select).stream().findFirst();
        }
    }

    private static boolean hasChildren(Connection connection, long id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM nodes WHERE parent_id = ?")) {
            select.setLong(1, id);
            select.setMaxRows(1);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Whether {@code ancestor} is {@code node} or one of its ancestors: walks parent links up to the root. */
    private static boolean isAncestorOrSelf(Connection connection, long ancestor, long node) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                WITH RECURSIVE up (id, parent_id) AS (
                    SELECT id, parent_id FROM nodes WHERE id = ?
                    UNION ALL
                    SELECT n.id, n.parent_id FROM nodes n JOIN up ON n.id = up.parent_id)
                SELECT 1 FROM up WHERE id = ?""")) {
            select.setLong(1, node);
            select.setLong(2, ancestor);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private Node insertNode(Connection connection, Node parent, Name name, Node.Kind kind, long size, BlobId blob)
            throws SQLException {
        long now = now();
        Node inserted = insertRow(connection, parent, name, kind, size, blob, now);
        touch(connection, parent.id(), now);
        return inserted;
    }

    /** Inserts a node created at {@code now}; its directory's modification time is the caller's to set. */
    private static Node insertRow(Connection connection, Node parent, Name name, Node.Kind kind, long size,
            BlobId blob, long now) throws SQLException {
        long id;
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO nodes (owner_id, parent_id, name,"
                + " kind, size, blob_sha256, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            insert.setLong(1, parent.ownerId());
            insert.setLong(2, parent.id());
            insert.setString(3, name.value());
            insert.setString(4, kind.sql());
            insert.setLong(5, size);
            if (blob == null) {
                insert.setNull(6, Types.CHAR);
            } else {
                insert.setString(6, blob.sha256());
            }
            insert.setLong(7, now);
            insert.setLong(8, now);
            id = single(insert);
        }
        return new Node(id, parent.ownerId(), OptionalLong.of(parent.id()), name.value(), kind, size,
                Optional.ofNullable(blob), Instant.ofEpochMilli(now), Instant.ofEpochMilli(now));
    }

    private static void touch(Connection connection, long directoryId, long now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE nodes SET modified_at = ? WHERE id = ?")) {
            update.setLong(1, now);
            update.setLong(2, directoryId);
            update.executeUpdate();
        }
    }

    /** One more reference to {@code blob}: its row is created with refs = 1 or incremented. */
    /**
     * One more reference to {@code blob}: a new row, or the count of the existing one, which must have the same size;
     * if it has another, nothing is changed (a batch goes on after a refused file, so a refusal must write nothing).
     */
    private static void retain(Connection connection, BlobId blob) throws SQLException, MetadataException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO blobs (sha256, size, refs) VALUES (?, ?, 1)
                ON CONFLICT (sha256) DO UPDATE SET refs = blobs.refs + 1 WHERE blobs.size = excluded.size
                RETURNING size""")) {
            upsert.setString(1, blob.sha256());
            upsert.setLong(2, blob.size());
            try (ResultSet rows = upsert.executeQuery()) {
                if (!rows.next()) {
                    throw new MetadataException(Reason.STORAGE_ERROR, "blob " + blob.sha256()
                            + " is recorded with another size than " + blob.size());
                }
            }
        }
    }

    /**
     * Drops {@code counts.get(sha)} references from each blob; rows reaching zero are deleted and returned. Callers
     * remove or repoint the nodes first, since a blob row cannot go while a node still refers to it, and have locked
     * the rows ({@link #lockBlobs}), so that no other transaction changes a count between its read and its write.
     */
    private static List<BlobId> release(Connection connection, Map<String, Long> counts) throws SQLException {
        List<BlobId> orphans = new ArrayList<>();
        for (Map.Entry<String, Long> entry : counts.entrySet()) {
            long size;
            long refs;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT size, refs FROM blobs WHERE sha256 = ?")) {
                select.setString(1, entry.getKey());
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw new SQLException("no blobs row for referenced blob " + entry.getKey());
                    }
                    size = rows.getLong(1);
                    refs = rows.getLong(2);
                }
            }
            if (refs > entry.getValue()) {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE blobs SET refs = refs - ? WHERE sha256 = ?")) {
                    update.setLong(1, entry.getValue());
                    update.setString(2, entry.getKey());
                    update.executeUpdate();
                }
            } else {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM blobs WHERE sha256 = ?")) {
                    delete.setString(1, entry.getKey());
                    delete.executeUpdate();
                }
                orphans.add(new BlobId(entry.getKey(), size));
            }
        }
        return orphans;
    }

    private record Removal(int nodes, List<BlobId> orphans) {
    }

    /**
     * Deletes {@code top} and everything below it, deepest first, then releases the blobs they referred to and takes
     * the files' bytes off the owner's usage.
     */
    private Removal deleteSubtree(Connection connection, Node top) throws SQLException {
        List<Long> ids = new ArrayList<>();
        Map<String, Long> blobCounts = new LinkedHashMap<>();
        long fileBytes = 0;
        try (PreparedStatement select = connection.prepareStatement("""
                WITH RECURSIVE subtree (id, depth) AS (
                    SELECT id, 0 FROM nodes WHERE id = ?
                    UNION ALL
                    SELECT n.id, subtree.depth + 1 FROM nodes n JOIN subtree ON n.parent_id = subtree.id)
                SELECT n.id, n.blob_sha256, n.size FROM subtree JOIN nodes n ON n.id = subtree.id
                ORDER BY subtree.depth DESC""")) {
            select.setLong(1, top.id());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                    String blob = rows.getString(2);
                    if (blob != null) {
                        blobCounts.merge(blob, 1L, Long::sum);
                        fileBytes += rows.getLong(3);
                    }
                }
            }
        }
        lockBlobs(connection, blobCounts.keySet());
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM nodes WHERE id = ?")) {
            for (long doomed : ids) {
                delete.setLong(1, doomed);
                delete.addBatch();
            }
            delete.executeBatch();
        }
        UsageCounter.add(connection, top.ownerId(), -fileBytes);
        return new Removal(ids.size(), release(connection, blobCounts));
    }

    // ---- rows

    private static long single(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new SQLException("statement returned no row");
            }
            return rows.getLong(1);
        }
    }

    private static List<Node> nodes(PreparedStatement select) throws SQLException {
        List<Node> nodes = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                nodes.add(node(rows));
            }
        }
        return nodes;
    }

    private static Node node(ResultSet row) throws SQLException {
        long parent = row.getLong("parent_id");
        OptionalLong parentId = row.wasNull() ? OptionalLong.empty() : OptionalLong.of(parent);
        long size = row.getLong("size");
        String sha256 = row.getString("blob_sha256");
        return new Node(row.getLong("id"), row.getLong("owner_id"), parentId, row.getString("name"),
                Node.Kind.fromSql(row.getString("kind")), size,
                Optional.ofNullable(sha256).map(hash -> new BlobId(hash, size)),
                Instant.ofEpochMilli(row.getLong("created_at")), Instant.ofEpochMilli(row.getLong("modified_at")));
    }

    private static void bindQuota(PreparedStatement statement, int index, OptionalLong quotaBytes)
            throws SQLException {
        if (quotaBytes.isPresent()) {
            statement.setLong(index, quotaBytes.getAsLong());
        } else {
            statement.setNull(index, Types.BIGINT);
        }
    }

    private static void requireQuota(OptionalLong quotaBytes) {
        Objects.requireNonNull(quotaBytes, "quotaBytes");
        if (quotaBytes.isPresent() && quotaBytes.getAsLong() < 0) {
            throw new IllegalArgumentException("negative quota: " + quotaBytes.getAsLong());
        }
    }

    private static User user(ResultSet row) throws SQLException {
        long quota = row.getLong("quota_bytes");
        OptionalLong quotaBytes = row.wasNull() ? OptionalLong.empty() : OptionalLong.of(quota);
        return new User(row.getLong("id"), row.getString("name"), row.getString("password_hash"), quotaBytes,
                Instant.ofEpochMilli(row.getLong("created_at")));
    }

    private long now() {
        return clock.millis();
    }

    private static String display(List<Name> names) {
        return "/" + String.join("/", names.stream().map(Name::value).toList());
    }
}
