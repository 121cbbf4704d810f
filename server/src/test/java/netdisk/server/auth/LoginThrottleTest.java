package netdisk.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

import netdisk.server.MutableClock;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.Name;
import netdisk.server.storage.TestDatabase;

class LoginThrottleTest {

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T22:00:00Z"));
    private TestDatabase db;
    private HikariDataSource dataSource;
    private LoginThrottle throttle;
    private InetAddress home;
    private InetAddress elsewhere;

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.open(data);
        dataSource = db.migrated();
        throttle = new LoginThrottle(dataSource, clock, ThrottlePolicy.DEFAULT);
        home = InetAddress.getByName("192.0.2.10");
        elsewhere = InetAddress.getByName("198.51.100.7");
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @Test
    void fiveFailuresOfAUserAreFreeThenEachLocksTwiceAsLong() throws Exception {
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure("alice", home);
            assertThat(throttle.blockedFor("alice", home)).isEmpty();
        }

        throttle.recordFailure("alice", home);
        assertThat(throttle.blockedFor("alice", home)).contains(Duration.ofSeconds(2));
        assertThat(throttle.blockedFor("alice", elsewhere)).as("the user key is locked from anywhere")
                .contains(Duration.ofSeconds(2));
        assertThat(throttle.blockedFor("bob", home)).as("the address has failures to spare").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.blockedFor("alice", home)).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.blockedFor("alice", home)).isEmpty();

        throttle.recordFailure("alice", elsewhere);
        assertThat(throttle.blockedFor("alice", home)).contains(Duration.ofSeconds(4));
    }

    @Test
    void locksStopGrowingAtFifteenMinutes() throws Exception {
        for (int i = 0; i < 30; i++) {
            throttle.recordFailure("alice", InetAddress.getByName("203.0.113." + i));
        }
        assertThat(throttle.blockedFor("alice", home)).contains(Duration.ofMinutes(15));
    }

    @Test
    void aNameThatIsNoAccountIsThrottledExactlyLikeOneThatIs() throws Exception {
        try (var store = JdbcMetadataStore.create(dataSource, clock)) {
            store.createUser(Name.of("alice"), "h", OptionalLong.empty());
        }
        List<Optional<Duration>> real = new ArrayList<>();
        List<Optional<Duration>> ghost = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            throttle.recordFailure("alice", home);
            throttle.recordFailure("nobody-by-this-name", elsewhere);
            real.add(throttle.blockedFor("alice", InetAddress.getByName("203.0.113.1")));
            ghost.add(throttle.blockedFor("nobody-by-this-name", InetAddress.getByName("203.0.113.1")));
        }
        assertThat(ghost).isEqualTo(real);
        assertThat(real.getLast()).contains(Duration.ofSeconds(128));
    }

    @Test
    void anAddressGetsTwentyFreeFailuresAcrossAnyNames() throws Exception {
        for (int i = 0; i < 20; i++) {
            throttle.recordFailure("user" + i, home);
        }
        assertThat(throttle.blockedFor("someone-new", home)).isEmpty();

        throttle.recordFailure("user20", home);

        assertThat(throttle.blockedFor("someone-new", home)).contains(Duration.ofSeconds(2));
        assertThat(throttle.blockedFor("someone-new", elsewhere)).isEmpty();
    }

    @Test
    void anIpv6AddressIsThrottledWithItsWholeSlash64() throws Exception {
        InetAddress first = InetAddress.getByName("2001:db8:1:2::1");
        InetAddress sameNetwork = InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:fffe");
        InetAddress nextNetwork = InetAddress.getByName("2001:db8:1:3::1");
        assertThat(LoginThrottle.addressKey(first)).isEqualTo("addr:2001:db8:1:2::/64")
                .isEqualTo(LoginThrottle.addressKey(sameNetwork));

        for (int i = 0; i < 21; i++) {
            throttle.recordFailure("user" + i, i % 2 == 0 ? first : sameNetwork);
        }

        assertThat(throttle.blockedFor("someone-new", sameNetwork)).contains(Duration.ofSeconds(2));
        assertThat(throttle.blockedFor("someone-new", first)).contains(Duration.ofSeconds(2));
        assertThat(throttle.blockedFor("someone-new", nextNetwork)).isEmpty();
    }

    @Test
    void addressKeysAreIpv4AsItIsAndIpv4MappedIpv6AsIpv4() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 10};
        assertThat(LoginThrottle.addressKey(home)).isEqualTo("addr:192.0.2.10");
        assertThat(LoginThrottle.addressKey(java.net.Inet6Address.getByAddress(null, mapped, -1)))
                .isEqualTo("addr:192.0.2.10");
        assertThat(LoginThrottle.addressKey(InetAddress.getByName("::1"))).isEqualTo("addr:0:0:0:0::/64");
        assertThat(LoginThrottle.addressKey(InetAddress.getByName("fe80::1%1"))).isEqualTo("addr:fe80:0:0:0::/64");
    }

    @Test
    void userKeysKeepTheNameAsTypedUpTo255Characters() {
        assertThat(LoginThrottle.userKey("Alice")).isEqualTo("user:Alice");
        assertThat(LoginThrottle.userKey("文档")).isEqualTo("user:文档");
        String emoji = "\ud83d\ude00";
        assertThat(LoginThrottle.userKey(emoji.repeat(300))).isEqualTo("user:" + emoji.repeat(255));
        assertThat(LoginThrottle.userKey("al\0ice")).isEqualTo("user:al\ufffdice");
    }

    /**
     * Workers record failures at the same time, on their own pools: every failure counts, whichever keys they share
     * (on PostgreSQL the upsert of a key's row waits for the other transaction instead of losing its count).
     */
    @Test
    void failuresRecordedAtOnceFromTwoPoolsAllCount() throws Exception {
        LoginThrottle other = new LoginThrottle(db.migrated(), clock, ThrottlePolicy.DEFAULT);
        List<String> names = List.of("alice", "bob");
        List<InetAddress> addresses = List.of(home, elsewhere);
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                LoginThrottle throttleOfThisWorker = t % 2 == 0 ? throttle : other;
                String name = names.get(t % 2);
                InetAddress address = addresses.get(t / 2 % 2);
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        throttleOfThisWorker.recordFailure(name, address);
                    }
                    return null;
                }));
            }
            for (var result : results) {
                result.get();
            }
        }

        assertThat(failures(LoginThrottle.userKey("alice"))).isEqualTo(60);
        assertThat(failures(LoginThrottle.userKey("bob"))).isEqualTo(60);
        assertThat(failures(LoginThrottle.addressKey(home))).isEqualTo(60);
        assertThat(failures(LoginThrottle.addressKey(elsewhere))).isEqualTo(60);
        assertThat(throttle.blockedFor("alice", InetAddress.getByName("203.0.113.1")))
                .contains(ThrottlePolicy.DEFAULT.lockAfter(60, ThrottlePolicy.DEFAULT.freeUserFailures()));
    }

    private long failures(String key) throws Exception {
        try (var connection = dataSource.getConnection();
             var select = connection.prepareStatement("SELECT failures FROM login_failures WHERE throttle_key = ?")) {
            select.setString(1, key);
            try (var rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    /** A NUL is valid UTF-8, so a client can send one in a user name; it is counted like any other name. */
    @Test
    void aNameWithANulIsThrottledLikeAnyOther() throws Exception {
        String name = "al\0ice";
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure(name, home);
            assertThat(throttle.blockedFor(name, home)).isEmpty();
        }

        throttle.recordFailure(name, home);

        assertThat(throttle.blockedFor(name, elsewhere)).contains(Duration.ofSeconds(2));
        assertThat(throttle.blockedFor("alice", elsewhere)).as("another name").isEmpty();
        throttle.recordSuccess(name, home);
        assertThat(throttle.blockedFor(name, elsewhere)).isEmpty();
    }

    @Test
    void successClearsTheUserKeyButNotTheAddressKey() throws Exception {
        for (int i = 0; i < 20; i++) {
            throttle.recordFailure("alice", home);
        }
        clock.advance(Duration.ofMinutes(15));
        assertThat(throttle.blockedFor("alice", home)).isEmpty();

        throttle.recordSuccess("alice", home);
        throttle.recordFailure("alice", home);

        assertThat(throttle.blockedFor("alice", elsewhere)).as("the user count starts again").isEmpty();
        assertThat(throttle.blockedFor("bob", home)).as("the address's 21st failure")
                .contains(Duration.ofSeconds(2));
    }

    @Test
    void failuresAreForgottenAnHourAfterTheLastOne() throws Exception {
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure("alice", home);
        }
        clock.advance(Duration.ofMinutes(59));
        throttle.recordFailure("alice", home);
        assertThat(throttle.blockedFor("alice", home)).as("59 minutes: still counted")
                .contains(Duration.ofSeconds(2));

        clock.advance(Duration.ofHours(1));
        throttle.recordFailure("alice", home);
        assertThat(throttle.blockedFor("alice", home)).as("an hour later the count starts again").isEmpty();
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure("alice", home);
        }
        assertThat(throttle.blockedFor("alice", home)).as("5 failures since forgetting").isEmpty();
        throttle.recordFailure("alice", home);
        assertThat(throttle.blockedFor("alice", home)).contains(Duration.ofSeconds(2));
    }

    @Test
    void purgeDeletesOnlyForgottenKeys() throws Exception {
        throttle.recordFailure("alice", home);
        clock.advance(Duration.ofMinutes(30));
        throttle.recordFailure("bob", elsewhere);

        assertThat(throttle.purgeForgotten()).isZero();
        clock.advance(Duration.ofMinutes(30));
        assertThat(throttle.purgeForgotten()).as("alice's and home's keys").isEqualTo(2);
        clock.advance(Duration.ofMinutes(30));
        assertThat(throttle.purgeForgotten()).isEqualTo(2);
    }
}
