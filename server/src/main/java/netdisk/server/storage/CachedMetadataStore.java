package netdisk.server.storage;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A {@link MetadataStore} that answers the reads every request makes — the account ({@link #findUser}), the root and
 * path lookups ({@link #root}, {@link #lookup}, each path from its parent's) and directory listings ({@link #list}) —
 * from memory for as long as nothing was committed to the metadata since they were read, by any process: before each
 * of them it reads the {@link MetadataVersion}, and a changed version drops everything cached. Every other call goes
 * to the store.
 *
 * <p>Why: a worker serving downloads spent about half its CPU reading the same few rows again for every request (an
 * account check, then one query per path component). A download from a warm cache costs one version check instead.
 *
 * <p>Correctness: the cache is a <em>generation</em> tagged with the version read when it was made. A read answered
 * from a generation was first checked against the current version; a value put into a generation was read from the
 * database after that generation's version was seen, so it is at least that new, and a newer value is dropped with
 * its generation as soon as anyone sees the newer version. This store's own changes also drop the generation when
 * they return, so the next read after a change made here never depends on the version check alone.
 *
 * <p>One check per request: the reads of a request run inside {@link #oneCheckPerRequest} check the version once, at
 * the first of them; the others use the generation it checked for as long as it is current (a change made here drops
 * it). A version check costs a read transaction's locks and three system calls, and a download makes two such reads
 * (the account, the path): it was 18 % of a worker's CPU serving downloads in sessions.
 *
 * <p>One check for every request that had arrived before it: a request may use a check that started after it had
 * arrived whole, whichever request of whichever session of the worker made it ({@link #oneCheckPerRequest(long,
 * ScopedValue.CallableOp)}; each generation keeps when the latest check that found it current started). Such a
 * request was sent before that check, so every commit it can depend on (one whose answer its client, or anybody who
 * told it, had seen before sending it) was there to be seen: it reads as if it had been served at that moment. With
 * pipelined downloads the check had grown to 23 % of a worker's CPU, one per download; now the requests of a batch
 * share one, and so do a connection's Login and GetFile that arrive together. A session knows when a request arrived
 * only when its read returns, right before the request is served, so requests of different sessions seldom share a
 * check: with one request per connection at a time, measured, no fewer checks.
 */
public final class CachedMetadataStore implements MetadataStore {

    /**
     * Values kept per generation at most, a listing counting one per entry (so some 5 MB of nodes); past it the
     * generation starts empty again (a plain bound, no LRU).
     */
    static final int MAX_ENTRIES = 20_000;
    /** Listings of more entries than this are read afresh every time, never kept. */
    static final int MAX_LISTED = 1_000;

    /** Bound by {@link #oneCheckPerRequest}: when the request being served had arrived, in nanoTime. */
    private static final ScopedValue<Long> REQUEST = ScopedValue.newInstance();

    private final MetadataStore store;
    private final MetadataVersion version;
    private final int maxEntries;
    private final AtomicReference<Generation> generation = new AtomicReference<>(Generation.NONE);

    public CachedMetadataStore(MetadataStore store, MetadataVersion version) {
        this(store, version, MAX_ENTRIES);
    }

    CachedMetadataStore(MetadataStore store, MetadataVersion version, int maxEntries) {
        this.store = Objects.requireNonNull(store, "store");
        this.version = Objects.requireNonNull(version, "version");
        this.maxEntries = maxEntries;
    }

    /**
     * Runs {@code request} so that its reads check the metadata's version once, not once each: commits by others
     * while it runs are seen by the next request, as they would be had they come a moment later. Its own changes
     * are seen at once, as always.
     */
    public static <R, X extends Throwable> R oneCheckPerRequest(ScopedValue.CallableOp<? extends R, X> request)
            throws X {
        return oneCheckPerRequest(System.nanoTime(), request);
    }

    /**
     * As {@link #oneCheckPerRequest(ScopedValue.CallableOp)}, for a request that had arrived whole at
     * {@code arrivedNanos} ({@link System#nanoTime()}, taken after the read that completed it): any check that
     * started after that moment, whichever thread made it, does for its reads.
     */
    public static <R, X extends Throwable> R oneCheckPerRequest(long arrivedNanos,
            ScopedValue.CallableOp<? extends R, X> request) throws X {
        return ScopedValue.where(REQUEST, arrivedNanos).call(request);
    }

    /**
     * The values read while the metadata was at {@code version}, how much they weigh, and when the latest check that
     * found it current started ({@link System#nanoTime()}): every commit before that moment is in it.
     */
    private record Generation(long version, Map<Key, Object> entries, AtomicInteger weight, AtomicLong checkedAt) {
        static final Generation NONE = new Generation(Long.MIN_VALUE, Long.MIN_VALUE);

        Generation(long version, long checkedAt) {
            this(version, new ConcurrentHashMap<>(), new AtomicInteger(), new AtomicLong(checkedAt));
        }

        /** Whether a check that started at or after {@code nanos} found this generation current. */
        boolean checkedSince(long nanos) {
            return this != NONE && checkedAt.get() - nanos >= 0;
        }
    }

    private sealed interface Key {
    }

    private record UserKey(Name name) implements Key {
    }

    private record RootKey(long userId) implements Key {
    }

    private record PathKey(long userId, List<Name> path) implements Key {
    }

    private record ListKey(long ownerId, long directoryId) implements Key {
    }

    /** A call to the store. */
    private interface Read<T> {
        T run() throws MetadataException;
    }

    /**
     * The current generation, a new empty one if the metadata changed since it was made. Inside a request, a
     * generation that a check found current after the request arrived needs no new check (see the class comment).
     */
    private Generation current() throws MetadataException {
        Generation seen = generation.get();
        if (REQUEST.isBound() && seen.checkedSince(REQUEST.get())) {
            return seen;
        }
        long started = System.nanoTime(); // before the check: every commit before this moment is seen by it
        long now = version.current();
        seen = generation.get();
        Generation current = seen;
        if (seen.version() != now) {
            current = new Generation(now, started);
            generation.compareAndSet(seen, current); // if another thread got in first, what this one reads is not kept
        } else {
            current.checkedAt().accumulateAndGet(started, (a, b) -> a - b >= 0 ? a : b);
        }
        return current;
    }

    private <T> T cached(Key key, Read<T> read) throws MetadataException {
        return cached(key, read, value -> true);
    }

    /** From the cache, or read and kept there if {@code worthKeeping} says so. */
    @SuppressWarnings("unchecked")
    private <T> T cached(Key key, Read<T> read, Predicate<T> worthKeeping) throws MetadataException {
        Generation current = current();
        Object value = current.entries().get(key);
        if (value != null) {
            return (T) value;
        }
        T fresh = read.run();
        if (!worthKeeping.test(fresh)) {
            return fresh;
        }
        int weight = fresh instanceof List<?> list ? 1 + list.size() : 1;
        if (current.weight().addAndGet(weight) > maxEntries) {
            generation.compareAndSet(current, new Generation(current.version(), current.checkedAt().get()));
        } else {
            current.entries().put(key, fresh);
        }
        return fresh;
    }

    /** A change through to the store; after it (or an attempt at it), whatever was cached may be stale. */
    private <T> T changing(Read<T> change) throws MetadataException {
        try {
            return change.run();
        } finally {
            generation.set(Generation.NONE);
        }
    }

    // ---- answered from the cache while nothing changed

    @Override
    public Optional<User> findUser(Name name) throws MetadataException {
        Objects.requireNonNull(name, "name");
        return cached(new UserKey(name), () -> store.findUser(name));
    }

    @Override
    public Node root(User user) throws MetadataException {
        return cached(new RootKey(user.id()), () -> store.root(user));
    }

    /** From its parent's lookup, itself answered from memory most of the time: one query for a new name. */
    @Override
    public Optional<Node> lookup(User user, List<Name> path) throws MetadataException {
        List<Name> names = List.copyOf(path);
        if (names.isEmpty()) {
            return Optional.of(root(user));
        }
        return cached(new PathKey(user.id(), names), () -> {
            Optional<Node> parent = lookup(user, names.subList(0, names.size() - 1));
            return parent.isPresent() && parent.get().isDirectory()
                    ? store.child(parent.get(), names.getLast()) : Optional.empty();
        });
    }

    @Override
    public Optional<Node> child(Node directory, Name name) throws MetadataException {
        return store.child(directory, name);
    }

    /** Kept only up to {@value #MAX_LISTED} entries: a huge directory's listing would take the memory of thousands. */
    @Override
    public List<Node> list(Node directory) throws MetadataException {
        return cached(new ListKey(directory.ownerId(), directory.id()), () -> List.copyOf(store.list(directory)),
                entries -> entries.size() <= MAX_LISTED);
    }

    // ---- changes: through to the store, then the cache is dropped

    @Override
    public User createUser(Name name, String passwordHash, OptionalLong quotaBytes) throws MetadataException {
        return changing(() -> store.createUser(name, passwordHash, quotaBytes));
    }

    @Override
    public User setPasswordHash(User user, String passwordHash) throws MetadataException {
        return changing(() -> store.setPasswordHash(user, passwordHash));
    }

    @Override
    public User setQuota(User user, OptionalLong quotaBytes) throws MetadataException {
        return changing(() -> store.setQuota(user, quotaBytes));
    }

    @Override
    public Change<User> deleteUser(User user) throws MetadataException {
        return changing(() -> store.deleteUser(user));
    }

    @Override
    public Node mkdir(User user, List<Name> path, boolean parents) throws MetadataException {
        return changing(() -> store.mkdir(user, path, parents));
    }

    @Override
    public Change<Node> addFile(Node directory, Name name, BlobId blob) throws MetadataException {
        return changing(() -> store.addFile(directory, name, blob));
    }

    @Override
    public List<Added> addFiles(List<NewFile> files) throws MetadataException {
        return changing(() -> store.addFiles(files));
    }

    @Override
    public Node move(Node source, Node targetDirectory, Name newName) throws MetadataException {
        return changing(() -> store.move(source, targetDirectory, newName));
    }

    @Override
    public Node copy(Node file, Node targetDirectory, Name newName) throws MetadataException {
        return changing(() -> store.copy(file, targetDirectory, newName));
    }

    @Override
    public Change<Integer> delete(Node node, boolean recursive) throws MetadataException {
        return changing(() -> store.delete(node, recursive));
    }

    // ---- read afresh every time (not on every request's path)

    @Override
    public List<User> listUsers() throws MetadataException {
        return store.listUsers();
    }

    @Override
    public long usage(User user) throws MetadataException {
        return store.usage(user);
    }

    @Override
    public long fileCount(User user) throws MetadataException {
        return store.fileCount(user);
    }

    @Override
    public OptionalLong remainingQuota(User user) throws MetadataException {
        return store.remainingQuota(user);
    }

    @Override
    public boolean isReferenced(String sha256) throws MetadataException {
        return store.isReferenced(sha256);
    }

    @Override
    public Optional<BlobId> findBlob(String sha256) throws MetadataException {
        return store.findBlob(sha256);
    }

    @Override
    public boolean hasBlobOfSize(long size) throws MetadataException {
        return store.hasBlobOfSize(size);
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            version.close();
        }
    }
}
