package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

import netdisk.server.MutableClock;

/** The {@code unfinished_uploads} rows (migration V3), on SQLite or, with {@code netdisk.test.postgres}, PostgreSQL. */
class UnfinishedUploadsTest {

    private static final String SHA = "ab".repeat(32);
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path data;

    private TestDatabase db;
    private JdbcMetadataStore store;
    private UnfinishedUploads rows;
    private final MutableClock clock = new MutableClock(START);
    private User alice;
    private User bob;

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.open(data);
        HikariDataSource database = db.migrated();
        store = JdbcMetadataStore.create(database, clock);
        rows = new UnfinishedUploads(database, clock);
        alice = store.createUser(Name.of("alice"), "h", OptionalLong.empty());
        bob = store.createUser(Name.of("bob"), "h", OptionalLong.empty());
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    private UnfinishedUploads.Key key(User user, String path) {
        return new UnfinishedUploads.Key(user.id(), path, 5_000_000, SHA);
    }

    @Test
    void aRowIsFoundByUserPathSizeAndHashTogether() throws Exception {
        PartialId partial = PartialId.random();
        UnfinishedUploads.Key key = key(alice, "/isos/big.iso");

        assertThat(rows.insert(key, partial)).isTrue();

        assertThat(rows.find(key)).hasValue(new UnfinishedUploads.Row(partial, key, START, START));
        assertThat(rows.find(key(bob, "/isos/big.iso"))).as("another user").isEmpty();
        assertThat(rows.find(key(alice, "/isos/big.iso2"))).as("another path").isEmpty();
        assertThat(rows.find(new UnfinishedUploads.Key(alice.id(), "/isos/big.iso", 5_000_001, SHA)))
                .as("another size").isEmpty();
        assertThat(rows.find(new UnfinishedUploads.Key(alice.id(), "/isos/big.iso", 5_000_000, "cd".repeat(32))))
                .as("another content").isEmpty();
        assertThat(rows.exists(partial)).isTrue();
        assertThat(rows.partials()).containsExactly(partial);
    }

    @Test
    void aStreamedUploadFindsAnyHashOfItsPathAndSizeAndAHashedOneFindsAStreamedOne() throws Exception {
        UnfinishedUploads.Key streamed = UnfinishedUploads.Key.streamed(alice.id(), "/isos/big.iso", 5_000_000);
        UnfinishedUploads.Key hashed = key(alice, "/isos/big.iso");
        UnfinishedUploads.Key other = new UnfinishedUploads.Key(alice.id(), "/isos/big.iso", 5_000_000, "cd".repeat(32));
        PartialId first = PartialId.random();
        assertThat(rows.insert(hashed, first)).isTrue();

        assertThat(rows.find(streamed).orElseThrow().partial()).as("a streamed upload, any hash").isEqualTo(first);
        assertThat(rows.find(UnfinishedUploads.Key.streamed(alice.id(), "/isos/big.iso", 5_000_001)))
                .as("another size").isEmpty();
        assertThat(rows.find(UnfinishedUploads.Key.streamed(bob.id(), "/isos/big.iso", 5_000_000)))
                .as("another user").isEmpty();

        PartialId second = PartialId.random();
        clock.advance(Duration.ofMinutes(1));
        assertThat(rows.insert(streamed, second)).as("its own key").isTrue();
        assertThat(rows.find(streamed).orElseThrow().partial()).as("its own key first").isEqualTo(second);
        assertThat(rows.find(hashed).orElseThrow().partial()).as("its own key first").isEqualTo(first);
        assertThat(rows.find(other).orElseThrow().partial()).as("another hash: the streamed one").isEqualTo(second);
        assertThat(rows.find(streamed).orElseThrow().key()).isEqualTo(streamed);

        rows.delete(second);
        assertThat(rows.find(other)).as("another hash, nothing streamed").isEmpty();
    }

    @Test
    void oneKeyHasOneRow() throws Exception {
        UnfinishedUploads.Key key = key(alice, "/a.bin");
        PartialId first = PartialId.random();
        assertThat(rows.insert(key, first)).isTrue();

        assertThat(rows.insert(key, PartialId.random())).as("a second upload of the same key").isFalse();

        assertThat(rows.find(key).orElseThrow().partial()).isEqualTo(first);
        assertThat(rows.insert(key(bob, "/a.bin"), PartialId.random())).as("the same path of another user").isTrue();
    }

    /** 4,096 bytes of path: too long for a PostgreSQL index entry, which is why the key is unique by its hash. */
    @Test
    void theLongestPathIsAKeyLikeAnyOther() throws Exception {
        String longest = ("/" + "目".repeat(84)).repeat(16); // 16 names of 252 bytes, with slashes 4,048
        String other = longest.substring(0, longest.length() - 1) + "录";
        PartialId partial = PartialId.random();

        assertThat(rows.insert(key(alice, longest), partial)).isTrue();
        assertThat(rows.insert(key(alice, other), PartialId.random())).isTrue();

        assertThat(rows.find(key(alice, longest)).orElseThrow().partial()).isEqualTo(partial);
    }

    @Test
    void touchingMovesTheLastUseAndExpiryLooksOnlyAtThat() throws Exception {
        PartialId used = PartialId.random();
        PartialId abandoned = PartialId.random();
        rows.insert(key(alice, "/used"), used);
        rows.insert(key(alice, "/abandoned"), abandoned);
        clock.advance(Duration.ofDays(6));
        assertThat(rows.touch(used)).isTrue();
        clock.advance(Duration.ofDays(2));
        Instant cutoff = clock.instant().minus(Duration.ofDays(7));

        assertThat(rows.unusedSince(cutoff)).extracting(UnfinishedUploads.Row::partial).containsExactly(abandoned);
        assertThat(rows.deleteIfUnusedSince(used, cutoff)).isFalse();
        assertThat(rows.deleteIfUnusedSince(abandoned, cutoff)).isTrue();

        assertThat(rows.partials()).containsExactly(used);
        assertThat(rows.find(key(alice, "/used")).orElseThrow().updatedAt()).isEqualTo(START.plus(Duration.ofDays(6)));
        assertThat(rows.touch(abandoned)).as("a deleted row").isFalse();
        assertThat(rows.delete(used)).isTrue();
        assertThat(rows.delete(used)).isFalse();
    }

    @Test
    void deletingAUserDeletesTheirRowsAndNoOneElses() throws Exception {
        rows.insert(key(alice, "/a"), PartialId.random());
        PartialId bobs = PartialId.random();
        rows.insert(key(bob, "/b"), bobs);

        store.deleteUser(alice);

        assertThat(rows.partials()).containsExactly(bobs);
    }
}
