package netdisk.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

import netdisk.server.MutableClock;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.Name;
import netdisk.server.storage.TestDatabase;
import netdisk.server.storage.User;

class SessionTokensTest {

    private static final Duration TEN_DAYS = Duration.ofDays(10);

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T22:00:00Z"));
    private TestDatabase db;
    private HikariDataSource dataSource;
    private JdbcMetadataStore store;
    private SessionTokens tokens;
    private User alice;
    private User bob;

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.open(data);
        dataSource = db.migrated();
        store = JdbcMetadataStore.create(dataSource, clock);
        tokens = new SessionTokens(dataSource, clock);
        alice = store.createUser(Name.of("alice"), "h", OptionalLong.empty());
        bob = store.createUser(Name.of("bob"), "h", OptionalLong.empty());
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @Test
    void anIssuedTokenIs32RandomBytesInBase64UrlAndOnlyItsHashIsStored() throws Exception {
        SessionTokens.Issued issued = tokens.issue(alice.id(), TEN_DAYS);

        assertThat(issued.token()).hasSize(SessionTokens.TOKEN_LENGTH).matches("[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(issued.token())).hasSize(32);
        assertThat(issued.expiresAt()).isEqualTo(clock.instant().plus(TEN_DAYS));
        assertThat(issued.toString()).doesNotContain(issued.token());
        String expectedHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Base64.getUrlDecoder().decode(issued.token())));
        assertThat(storedHashes()).containsExactly(expectedHash);
        assertThat(tokens.check(issued.token()).map(SessionTokens.Valid::userId)).hasValue(alice.id());
    }

    @Test
    void tokensDoNotRepeat() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(seen.add(tokens.issue(alice.id(), TEN_DAYS).token())).isTrue();
        }
    }

    @Test
    void aTokenExpiresAfterItsLifetimeUnused() throws Exception {
        String unused = tokens.issue(alice.id(), TEN_DAYS).token();
        String usedAtTheLastMoment = tokens.issue(alice.id(), TEN_DAYS).token();

        clock.advance(TEN_DAYS.minusMillis(1));
        assertThat(tokens.check(usedAtTheLastMoment).map(SessionTokens.Valid::userId)).hasValue(alice.id());
        clock.advance(Duration.ofMillis(1));
        assertThat(tokens.check(unused).map(SessionTokens.Valid::userId)).isEmpty();
        assertThat(tokens.check(usedAtTheLastMoment).map(SessionTokens.Valid::userId)).hasValue(alice.id());
    }

    @Test
    void aTokenUsedAfterHalfItsLifetimeIsRenewedFromThatUse() throws Exception {
        String token = tokens.issue(alice.id(), TEN_DAYS).token();
        Instant issuedAt = clock.instant();

        clock.advance(Duration.ofDays(5).minusMillis(1));
        assertThat(tokens.check(token).map(SessionTokens.Valid::userId)).hasValue(alice.id());
        assertThat(expiresAt()).as("before half the lifetime: not written").isEqualTo(issuedAt.plus(TEN_DAYS));

        clock.advance(Duration.ofMillis(1));
        assertThat(tokens.check(token)).contains(new SessionTokens.Valid(alice.id(), clock.instant().plus(TEN_DAYS)));
        assertThat(expiresAt()).isEqualTo(clock.instant().plus(TEN_DAYS));

        clock.advance(TEN_DAYS.minusMillis(1));
        assertThat(tokens.check(token).map(SessionTokens.Valid::userId))
                .as("the renewed lifetime counts from the renewal").hasValue(alice.id());
        clock.advance(TEN_DAYS);
        assertThat(tokens.check(token).map(SessionTokens.Valid::userId)).isEmpty();
    }

    @Test
    void aTokenUsedOftenEnoughNeverExpires() throws Exception {
        String token = tokens.issue(alice.id(), TEN_DAYS).token();
        for (int day = 0; day < 400; day++) {
            clock.advance(Duration.ofDays(1));
            assertThat(tokens.check(token).map(SessionTokens.Valid::userId)).as("day %d", day).hasValue(alice.id());
        }
    }

    @Test
    void revokeEndsOneTokenAndRevokeAllEveryTokenOfOneUser() throws Exception {
        String a1 = tokens.issue(alice.id(), TEN_DAYS).token();
        String a2 = tokens.issue(alice.id(), TEN_DAYS).token();
        String a3 = tokens.issue(alice.id(), TEN_DAYS).token();
        String b1 = tokens.issue(bob.id(), TEN_DAYS).token();

        assertThat(tokens.revoke(a1)).isTrue();
        assertThat(tokens.revoke(a1)).isFalse();
        assertThat(tokens.check(a1).map(SessionTokens.Valid::userId)).isEmpty();
        assertThat(tokens.check(a2).map(SessionTokens.Valid::userId)).hasValue(alice.id());

        assertThat(tokens.revokeAll(alice.id())).isEqualTo(2);
        assertThat(tokens.check(a2).map(SessionTokens.Valid::userId)).isEmpty();
        assertThat(tokens.check(a3).map(SessionTokens.Valid::userId)).isEmpty();
        assertThat(tokens.check(b1).map(SessionTokens.Valid::userId)).hasValue(bob.id());
        assertThat(tokens.revokeAll(alice.id())).isZero();
    }

    @Test
    void purgeDeletesExactlyTheExpiredTokens() throws Exception {
        String shortLived = tokens.issue(alice.id(), Duration.ofHours(1)).token();
        tokens.issue(bob.id(), Duration.ofHours(1));
        String longLived = tokens.issue(alice.id(), TEN_DAYS).token();

        assertThat(tokens.purgeExpired()).isZero();
        clock.advance(Duration.ofHours(1));
        assertThat(tokens.purgeExpired()).isEqualTo(2);

        assertThat(storedHashes()).hasSize(1);
        assertThat(tokens.check(longLived).map(SessionTokens.Valid::userId)).hasValue(alice.id());
        assertThat(tokens.check(shortLived).map(SessionTokens.Valid::userId)).isEmpty();
    }

    @Test
    void deletingTheUserEndsTheirTokens() throws Exception {
        String token = tokens.issue(bob.id(), TEN_DAYS).token();

        store.deleteUser(bob);

        assertThat(tokens.check(token).map(SessionTokens.Valid::userId)).isEmpty();
        assertThat(storedHashes()).isEmpty();
    }

    @Test
    void issuingForAMissingUserOrWithoutALifetimeIsRefused() {
        assertThatThrownBy(() -> tokens.issue(9_999, TEN_DAYS)).isInstanceOfSatisfying(MetadataException.class,
                e -> assertThat(e.reason()).isEqualTo(MetadataException.Reason.NOT_FOUND));
        assertThatThrownBy(() -> tokens.issue(alice.id(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.issue(alice.id(), Duration.ofNanos(999_999)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A user deleted by a transaction that commits while {@code issue} runs: on SQLite {@code issue} waits for the
     * writer and then finds no user; on PostgreSQL it finds the user, its insert waits on the row, and the foreign key
     * then fails. Either way the answer is NOT_FOUND.
     */
    @Test
    void issuingForAUserDeletedMeanwhileFindsNoUser() throws Exception {
        try (Connection deleting = dataSource.getConnection();
             var threads = java.util.concurrent.Executors.newSingleThreadExecutor()) {
            deleting.setAutoCommit(false);
            for (String sql : List.of("DELETE FROM nodes WHERE owner_id = ?", "DELETE FROM users WHERE id = ?")) {
                try (PreparedStatement delete = deleting.prepareStatement(sql)) {
                    delete.setLong(1, bob.id());
                    delete.executeUpdate();
                }
            }
            var issuing = threads.submit(() -> tokens.issue(bob.id(), TEN_DAYS));
            db.awaitSomeoneWaitingForALock();
            deleting.commit();
            deleting.close(); // sqlite-jdbc begins the next transaction (IMMEDIATE: the write lock) right after a commit

            assertThatThrownBy(issuing::get).cause().isInstanceOfSatisfying(MetadataException.class,
                    e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(MetadataException.Reason.NOT_FOUND));
        }
        assertThat(storedHashes()).isEmpty();
    }

    @Test
    void malformedTokensAreInvalidWithoutAnException() throws Exception {
        String valid = tokens.issue(alice.id(), TEN_DAYS).token();
        char last = valid.charAt(valid.length() - 1);
        // the last character holds 4 bits of the token and 2 unused ones: changing the unused bits gives the same
        // bytes, but only the canonical spelling is the token
        String sameBytes = valid.substring(0, valid.length() - 1) + otherSpellingOfTheLastFourBits(last);
        List<String> malformed = List.of("", "x", valid.substring(1), valid + "A", valid + "=",
                valid.substring(0, 42) + "+", valid.substring(0, 42) + "/", valid.substring(0, 42) + "=",
                valid.substring(0, 42) + "é", " " + valid.substring(1), "\n".repeat(43), sameBytes);

        for (String token : malformed) {
            assertThat(tokens.check(token).map(SessionTokens.Valid::userId)).as("%s", token).isEmpty();
            assertThat(tokens.revoke(token)).as("%s", token).isFalse();
        }
        assertThat(tokens.check(valid).map(SessionTokens.Valid::userId)).hasValue(alice.id());
    }

    @Test
    void randomStringsAreNeverValidAndNeverThrow() throws Exception {
        tokens.issue(alice.id(), TEN_DAYS);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. \n\u00e9\u6587\ud83d";
        Random random = new Random(20261128);
        for (int i = 0; i < 2_000; i++) {
            int length = random.nextInt(5) == 0 ? SessionTokens.TOKEN_LENGTH : random.nextInt(60);
            StringBuilder token = new StringBuilder();
            for (int j = 0; j < length; j++) {
                token.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(tokens.check(token.toString()).map(SessionTokens.Valid::userId)).as("%s", token).isEmpty();
        }
    }

    private static char otherSpellingOfTheLastFourBits(char last) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return alphabet.charAt(alphabet.indexOf(last) ^ 1);
    }

    private List<String> storedHashes() throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT token_sha256 FROM sessions");
             ResultSet rows = select.executeQuery()) {
            List<String> hashes = new java.util.ArrayList<>();
            while (rows.next()) {
                hashes.add(rows.getString(1));
            }
            return hashes;
        }
    }

    private Instant expiresAt() throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT expires_at FROM sessions");
             ResultSet rows = select.executeQuery()) {
            rows.next();
            return Instant.ofEpochMilli(rows.getLong(1));
        }
    }
}
