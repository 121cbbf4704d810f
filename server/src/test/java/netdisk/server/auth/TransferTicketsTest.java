package netdisk.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

import netdisk.server.MutableClock;
import netdisk.server.storage.User;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferTicketsTest {

    private static final Instant NOW = Instant.parse("2026-11-29T02:00:00Z");
    private static final User ALICE = new User(7, "alice", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            OptionalLong.empty(), Instant.parse("2026-01-01T00:00:00Z"));

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(NOW);

    @Test
    void aTicketChecksOutForItsUserUntilItExpires() throws IOException {
        TransferTickets tickets = TransferTickets.open(data, clock, Duration.ofMinutes(5));
        TransferTickets.Issued issued = tickets.issue(ALICE);

        assertThat(issued.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(tickets.check(issued.ticket())).hasValueSatisfying(valid -> {
            assertThat(valid.userId()).isEqualTo(7);
            assertThat(valid.expiresAt()).isEqualTo(issued.expiresAt());
            assertThat(valid.isFor(ALICE)).isTrue();
        });
        clock.advance(Duration.between(NOW, issued.expiresAt().minusMillis(1)));
        assertThat(tickets.check(issued.ticket())).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(tickets.check(issued.ticket())).isEmpty();
    }

    @Test
    void aPasswordChangeOrARecreatedAccountVoidsEarlierTickets() throws IOException {
        TransferTickets tickets = TransferTickets.open(data, clock, Duration.ofMinutes(5));
        TransferTickets.Valid valid = tickets.check(tickets.issue(ALICE).ticket()).orElseThrow();

        assertThat(valid.isFor(new User(7, "alice", ALICE.passwordHash() + "x", OptionalLong.empty(),
                ALICE.createdAt()))).isFalse();
        assertThat(valid.isFor(new User(7, "alice", ALICE.passwordHash(), OptionalLong.empty(),
                ALICE.createdAt().plusSeconds(1)))).isFalse();
        assertThat(valid.isFor(new User(8, "alice", ALICE.passwordHash(), OptionalLong.empty(),
                ALICE.createdAt()))).isFalse();
        assertThat(valid.isFor(new User(7, "alice", ALICE.passwordHash(), OptionalLong.of(1), ALICE.createdAt())))
                .as("a quota change keeps the login").isTrue();
    }

    @Test
    void anyChangedCharacterOrAnotherKeyIsRefused() throws IOException {
        TransferTickets tickets = TransferTickets.open(data, clock, Duration.ofMinutes(5));
        String ticket = tickets.issue(ALICE).ticket();

        for (int i = 0; i < ticket.length(); i++) {
            char c = ticket.charAt(i);
            String changed = ticket.substring(0, i) + (c == 'A' ? 'B' : 'A') + ticket.substring(i + 1);
            assertThat(tickets.check(changed)).as("changed at %d: %s", i, changed).isEmpty();
        }
        assertThat(tickets.check("")).isEmpty();
        assertThat(tickets.check("v1.")).isEmpty();
        assertThat(tickets.check("v1.!!!.???")).isEmpty();
        assertThat(tickets.check(ticket.substring(0, ticket.length() - 1))).isEmpty();
        assertThat(tickets.check(null)).isEmpty();

        byte[] otherKey = new byte[32];
        assertThat(new TransferTickets(otherKey, clock, Duration.ofMinutes(5)).check(ticket)).isEmpty();
    }

    @Test
    void theKeyIsMadeOncePrivateAndSharedByEveryOpener() throws IOException {
        TransferTickets first = TransferTickets.open(data, clock, Duration.ofMinutes(5));
        Path key = data.resolve(TransferTickets.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        byte[] bytes = Files.readAllBytes(key);

        TransferTickets second = TransferTickets.open(data, clock, Duration.ofMinutes(5));

        assertThat(Files.readAllBytes(key)).isEqualTo(bytes);
        assertThat(second.check(first.issue(ALICE).ticket())).as("another worker checks it").isPresent();
        try (var files = Files.list(data)) {
            assertThat(files).containsExactly(key);
        }
    }

    @Test
    void aDamagedKeyFileIsAClearError() throws IOException {
        Files.write(data.resolve(TransferTickets.KEY_FILE), new byte[5]);

        assertThatThrownBy(() -> TransferTickets.open(data, clock, Duration.ofMinutes(5)))
                .isInstanceOf(IOException.class).hasMessageContaining("not a 32-byte ticket key");
    }

    @Test
    void theTicketHidesFromToString() throws IOException {
        TransferTickets.Issued issued = TransferTickets.open(data, clock, Duration.ofMinutes(5)).issue(ALICE);

        assertThat(issued.toString()).doesNotContain(issued.ticket());
    }
}
